#!/usr/bin/env bash
# Writes test-vectors/sm3.jsonl (format: test-vectors/README.md).
#
# Every digest in the output is computed here with OpenSSL 3 (`openssl dgst -sm3`).
# The two GB/T 32905-2016 examples are also written into this script as the
# standard prints them; the script stops if OpenSSL does not reproduce them.
#
# Needs: bash, OpenSSL 3, xxd. No network. Re-running gives the same file.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
out="$here/../sm3.jsonl"

ossl_version=$(openssl version)
case "$ossl_version" in
  "OpenSSL 3."*) ;;
  *) echo "gen-sm3.sh: need OpenSSL 3, found: $ossl_version" >&2; exit 1 ;;
esac
ossl_short=$(printf '%s' "$ossl_version" | awk '{print $1" "$2}')

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tmp_out="$work/sm3.jsonl"

# sm3_file FILE -> lower-case hex digest of FILE
sm3_file() {
  openssl dgst -sm3 -r "$1" | awk '{print tolower($1)}'
}

# pattern_hex N -> hex of the N bytes (i mod 251), i = 0..N-1
pattern_hex() {
  local n=$1 i
  for ((i = 0; i < n; i++)); do printf '%02x' $((i % 251)); done
}

# json_str TEXT -> TEXT as a JSON string (enough for the texts used here:
# escapes backslash and double quote; none of them holds control characters)
json_str() {
  local s=${1//\\/\\\\}
  s=${s//\"/\\\"}
  printf '"%s"' "$s"
}

# repeat_file SRC REP DST -> DST holds REP copies of SRC (by doubling, so that
# a million copies do not take a million appends)
repeat_file() {
  local src=$1 rep=$2 dst=$3 pow="$work/pow"
  : >"$dst"
  cp "$src" "$pow"
  while ((rep > 0)); do
    if ((rep & 1)); then cat "$pow" >>"$dst"; fi
    rep=$((rep >> 1))
    if ((rep > 0)); then cat "$pow" "$pow" >"$pow.2"; mv "$pow.2" "$pow"; fi
  done
}

count=0
emit() { printf '%s\n' "$1" >>"$tmp_out"; count=$((count + 1)); }

# case_ascii ID TEXT REPEAT SOURCE [NOTE] [EXPECTED]
#   hashes TEXT (UTF-8) repeated REPEAT times; if EXPECTED is given, the
#   OpenSSL digest must equal it.
case_ascii() {
  local id=$1 text=$2 rep=$3 src=$4 note=${5:-} expected=${6:-} f="$work/msg" one="$work/one" d
  printf '%s' "$text" >"$one"
  repeat_file "$one" "$rep" "$f"
  d=$(sm3_file "$f")
  if [[ -n "$expected" && "$d" != "$expected" ]]; then
    echo "gen-sm3.sh: $id: OpenSSL gives $d, expected $expected" >&2
    exit 1
  fi
  local line="{\"id\":$(json_str "$id"),\"op\":\"sm3\",\"msg_ascii\":$(json_str "$text")"
  if ((rep != 1)); then line+=",\"repeat\":$rep"; fi
  line+=",\"digest_hex\":\"$d\",\"source\":$(json_str "$src")"
  if [[ -n "$note" ]]; then line+=",\"note\":$(json_str "$note")"; fi
  emit "$line}"
}

# case_hex ID HEX REPEAT SOURCE [NOTE]
case_hex() {
  local id=$1 hex=$2 rep=$3 src=$4 note=${5:-} f="$work/msg" one="$work/one" d
  printf '%s' "$hex" | xxd -r -p >"$one"
  repeat_file "$one" "$rep" "$f"
  d=$(sm3_file "$f")
  local line="{\"id\":$(json_str "$id"),\"op\":\"sm3\",\"msg_hex\":\"$hex\""
  if ((rep != 1)); then line+=",\"repeat\":$rep"; fi
  line+=",\"digest_hex\":\"$d\",\"source\":$(json_str "$src")"
  if [[ -n "$note" ]]; then line+=",\"note\":$(json_str "$note")"; fi
  emit "$line}"
}

src_ossl="computed with $ossl_short (openssl dgst -sm3) by gen/gen-sm3.sh"

# --- GB/T 32905-2016 Annex A examples (digests as printed in the standard) ---
case_ascii "sm3-std-a1-abc" "abc" 1 \
  "GB/T 32905-2016 Annex A, example 1 (digest as printed in the standard)" \
  "3 bytes: one block after padding; reproduced by $ossl_short" \
  "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
case_ascii "sm3-std-a2-abcd16" "abcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcdabcd" 1 \
  "GB/T 32905-2016 Annex A, example 2 (digest as printed in the standard)" \
  "64 bytes (\"abcd\" x 16): two blocks after padding; reproduced by $ossl_short" \
  "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"
case_ascii "sm3-std-a2-abcd-repeat" "abcd" 16 \
  "GB/T 32905-2016 Annex A, example 2, message given as \"abcd\" with repeat 16" \
  "same message and digest as sm3-std-a2-abcd16; checks that repeat is applied" \
  "debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732"

# --- empty message and block-boundary lengths --------------------------------
case_hex "sm3-empty" "" 1 "$src_ossl" \
  "empty message: one block holding only the padding"
case_ascii "sm3-empty-ascii" "" 1 "$src_ossl" \
  "empty message given as msg_ascii"

for n in 1 55 56 63 64 65 119 120 127 128 1000; do
  case "$n" in
    55) why="55 bytes: largest message whose padding fits in one block" ;;
    56) why="56 bytes: smallest message whose padding needs a second block" ;;
    63) why="63 bytes: one byte short of a block" ;;
    64) why="64 bytes: exactly one block of message" ;;
    65) why="65 bytes: one byte past a block" ;;
    119) why="119 bytes: largest message whose padding fits in two blocks" ;;
    120) why="120 bytes: padding needs a third block" ;;
    127) why="127 bytes: one byte short of two blocks" ;;
    128) why="128 bytes: exactly two blocks of message" ;;
    *) why="$n byte(s)" ;;
  esac
  case_hex "sm3-len-$n" "$(pattern_hex "$n")" 1 "$src_ossl" \
    "$why; content: byte i = i mod 251"
done

# --- other byte values and texts ----------------------------------------------
case_hex "sm3-byte-ff" "ff" 1 "$src_ossl" "one 0xff byte (high bit set)"
case_hex "sm3-ff-x200" "ff" 200 "$src_ossl" "200 bytes of 0xff via msg_hex + repeat"
case_ascii "sm3-utf8" "国密SM3杂凑算法" 1 "$src_ossl" \
  "msg_ascii is UTF-8 text: 6 CJK characters (3 bytes each) + 3 ASCII = 21 bytes"
case_ascii "sm3-text-fox" "The quick brown fox jumps over the lazy dog" 1 "$src_ossl"

# --- long messages through repeat ---------------------------------------------
case_ascii "sm3-a-million" "a" 1000000 "$src_ossl" \
  "\"a\" repeated 1,000,000 times (msg_ascii + repeat)"
case_hex "sm3-pattern1000-x100" "$(pattern_hex 1000)" 100 "$src_ossl" \
  "the 1000-byte pattern (i mod 251) repeated 100 times = 100,000 bytes; the pattern does not align with the 64-byte block"

mv "$tmp_out" "$out"
echo "gen-sm3.sh: wrote $count cases to $out"
