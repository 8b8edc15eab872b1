#!/usr/bin/python3
# edge_cases.py - writes the hand-picked edge-case lines appended to the
# tokenizer fixtures (make_fixtures.sh) to stdout as raw bytes: invalid UTF-8,
# NUL and control bytes, added tokens with odd spacing, words long enough for
# the heap merge path and WordPiece's 100-character limit, rare Unicode.
# One text per line; no line contains "\n".
import sys

lines = [
    # added tokens and the whitespace <mask> absorbs (lstrip)
    "Hello <mask>", "Hello   <mask>!", "a\t<mask>b", "x\u00a0<mask>", "<mask>", " <mask> <mask>", "y\u3000<mask>z",
    "<s>hello</s>", "</s></s>", "<pad><unk>", "<s<mask>>", "[CLS] hi [SEP] [MASK] [mask] [PAD][UNK]", "[CLS][CLS]",
    # whitespace runs and Unicode spaces
    "", " ", "   ", "a  b", "a \t b", "a\u3000b", "a\u2028b", "a\u0085b", "a\u180eb", "a\u200bb", "a\ufeffb", "\ufeffbom",
    "a\rb", "a\x0bb\x0cc", "trailing   ", "\t\tindent",
    # contractions and case
    "'S 's 'LL 'll I'M DON'T", "rock'n'roll o'clock", "İstanbul ǅemal Straße ΣΑΣ σας",
    # accents, marks, scripts
    "a\u0301\u0316 e\u0316\u0301", "क्षत्रिय हिंदी", "ﬁ ﬀ ＡＢＣ １２３", "٣٤ ١٢ ½ ² ⅷ", "Ꭰ ꭰ", "ǈ ǉ",
    "𠀀 豈 丽 ㊀ ゟ",
    # categories by Unicode version (Hugging Face's BERT tables are Unicode 8.0):
    # format chars, punctuation and nonspacing marks from before and after 8.0
    "a\U00013430b a\U000110CDb a\u0890b a\u061cb a\u180eb a\u08e2b a\U0001BCA0b a\u2066b a\u00adb a\u0600b",
    "a\u2e43b a\u2e4fb a\U0001E95Eb a\u2e52b a\u2e42b a\u0d00b a\U0001E944b a\u0898b a\u0301b",
    "\u0378 \ufdd0 \U0001fae8 \U0001f972 \u08c7 \U000e0001 \ue000 x\U000f0000y", "ภาษาไทย", "Ελληνικά ΆΈΉ", "Ω ω Ω", "\u0378 \ue000 \U000f0000",
    # emoji of different Unicode versions, ZWJ sequences, flags, modifiers
    "🥲 🫠 🪿 🫶🏽 🏳️‍🌈 👩🏽‍💻 🇯🇵🇫🇷", "❤️❤ ☺️", "😂" * 30,
    # long words: > 64 bytes (heap merge path) and > 100 characters (WordPiece [UNK])
    "a" * 300, "ha" * 60, "x" * 101, "y" * 100, "https://example.com/" + "abcdefghij" * 12 + "?q=1",
    "#" + "hashtag" * 15, "@" + "user_name" * 12,
    # numbers and punctuation runs
    "3.14159 1,000,000 -42 +7 1e10 0x1F", "!!!??? ... --- ___ ***", "$100 €50 £3 ¥9 ₹1",
]
out = sys.stdout.buffer
for l in lines:
    out.write(l.encode("utf-8") + b"\n")
# raw bytes: invalid UTF-8 (each maximal subpart becomes U+FFFD) and NUL bytes
raw = [
    b"\xff\xfe abc", b"caf\xc3", b"caf\xc3 x", b"\xe2\x82 euro", b"\xed\xa0\x80 surrogate", b"\xf4\x90\x80\x80 big",
    b"\xc0\xaf overlong", b"\x80\x80\x80", b"ok \xf0\x9f\x98 cut emoji", b"a\x00b", b"\x00", b"\x00<mask>\x00",
    b"\x01\x02\x7f del", b"\xc2\x80\xc2\x9f c1",
]
for r in raw:
    out.write(r + b"\n")
