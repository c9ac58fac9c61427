# ctypes.util.find_library's gcc probe (POSIX only: Lib/ctypes/util.py _findLib_gcc) has
# the linker write over a NamedTemporaryFile's name. That never happens on Windows, where
# find_library looks elsewhere: no finding.
import ctypes.util
print(ctypes.util._findLib_gcc("m") is not None)
