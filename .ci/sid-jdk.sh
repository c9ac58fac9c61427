#!/usr/bin/env bash
# Usage: .ci/sid-jdk.sh MAJOR DIR
#
# Puts Debian unstable's OpenJDK MAJOR (21, 25: the long-term releases beside the
# machine's 17) in DIR and prints the directory of its `java` and `javac`. winsan names a
# Java caller's frames from HotSpot's own structures, whose layout and encodings changed
# between these releases, so CI runs the Java programs with each. Debian's packages are
# one of the machine's registries; unstable's JDK needs unstable's C and C++ libraries, so
# DIR gets those too and every ELF file of the JDK is pointed at them (patchelf: the
# launchers' ELF interpreter, a RUNPATH entry for all). Nothing is installed system-wide
# but patchelf. Exits non-zero, saying why, when it cannot.
set -euo pipefail
major=$1
dest=$2/jdk-$major
jdk="$dest/usr/lib/jvm/java-$major-openjdk-amd64"
lib="$dest/usr/lib/x86_64-linux-gnu"
if [ -x "$jdk/bin/javac" ] && "$jdk/bin/java" -version 2>/dev/null; then
  echo "$jdk/bin"
  exit 0
fi
[ "$(uname -m)" = x86_64 ] || { echo "sid-jdk: x86_64 only" >&2; exit 1; }
command -v patchelf >/dev/null || {
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends patchelf >/dev/null
}
rm -rf "$dest"
"$(dirname "$0")/sid-fetch.sh" "$dest" "openjdk-$major-jre-headless" "openjdk-$major-jdk-headless" \
  libc6 libstdc++6 libgcc-s1 zlib1g
# Debian keeps the JDK's configuration in /etc and links to it from the JDK: link to
# the copy in DIR instead.
find "$dest/usr/lib/jvm" -type l -lname '/etc/*' | while read -r l; do
  ln -sfn "$dest$(readlink "$l")" "$l"
done
find "$(readlink -f "$jdk")" -type f \( -name '*.so' -o -path '*/bin/*' \) | while read -r f; do
  [ "$(head -c 4 "$f" | od -An -tx1 | tr -d ' ')" = 7f454c46 ] || continue
  if [[ $f == */bin/* ]]; then
    patchelf --set-interpreter "$lib/ld-linux-x86-64.so.2" "$f"
  fi
  patchelf --add-rpath "$lib" "$f"
done
# What the program tests use: source-file mode needs the compiler.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf 'public class Hello { public static void main(String[] a) { } }\n' >"$work/Hello.java"
"$jdk/bin/java" "$work/Hello.java" >&2
echo "$jdk/bin"
