// The module node_frames_transformed.js runs transformed, as test runners do (Vitest,
// babel-jest): lines are added above it and an inline source map maps them back.
function removeBoth(posixOnly, everywhere) {
  if (process.platform !== 'win32') {
    fs.unlinkSync(posixOnly);
  }
  fs.unlinkSync(everywhere); // refused on Windows
}
