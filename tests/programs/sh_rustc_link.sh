# rustc links with rust-lld (LLVM): lld writes its output to a temporary file, maps it,
# and renames it over the output while its fd is still open. LLVM opens every file
# sharing delete on Windows, so none of this is a finding.
rustc --edition 2021 -o "$1/prog" "$(dirname "$0")/rs_sleep.rs"
