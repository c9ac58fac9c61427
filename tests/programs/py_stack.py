# The seed's bug two calls deep: the finding names the Python frames, innermost first.
import os, sys, tempfile
def remove_it(p):
    os.remove(p)
def main():
    fd, p = tempfile.mkstemp(dir=sys.argv[1])
    remove_it(p)
main()
