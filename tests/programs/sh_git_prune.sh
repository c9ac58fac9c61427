# Git's object files are read-only (0444). Git for Windows' unlink clears the read-only
# attribute before DeleteFileW (compat/mingw.c mingw_unlink), so git removing its own
# loose objects is not a finding, as the same commands on Windows succeed.
set -e
cd "$1"
git init -q repo
cd repo
git config user.email t@example.com
git config user.name t
git config maintenance.auto false  # no background maintenance racing the repack
git config gc.auto 0
for i in 1 2 3; do echo "$i" > "f$i"; done
git add .
git commit -qm one
git repack -qad
git prune-packed
ls .git/objects | tr '\n' ' '
