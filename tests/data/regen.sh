#!/bin/bash
# Regenerate sentences.zh-Hant.txt from sentences.zh-Hans.txt with OpenCC.
set -eu
cd "$(dirname "$0")"
opencc -c s2t.json -i sentences.zh-Hans.txt -o sentences.zh-Hant.txt
