"""Text as the extractor reads it: decoded, split into paragraphs and sentences, language detected.

Offsets always point into the text as decoded (what ``Path.read_text`` would give: universal
newlines, a byte-order mark kept as U+FEFF), so a claim's ``text == file_text[start:end]``.
Noise (share buttons, OCR debris) is marked, never cut out of that text.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from dataclasses import dataclass
from functools import cache

from lazos.documents.lexicon import figure_words, lexicon, trie
from lazos.errors import LazosError

MAX_BYTES = 200_000_000
# Characters of text in one document (about 20 MB of text: some 80 s and 750 MB to read and
# store); the text, its paragraphs and its claims are held in memory until stored.
MAX_CHARS = 20_000_000


class DocumentError(LazosError):
    """A document that cannot be read as text (binary, empty of text, undecodable)."""


# ---------------------------------------------------------------------------- decoding


def decode(raw: bytes, name: str = "the document") -> tuple[str, str]:
    """Bytes to text with universal newlines; returns (text, encoding).

    UTF-8 (with or without BOM) and UTF-16 with a BOM are read directly; a UTF-8 file with some
    lines in a one-byte code page is read line by line ("utf-8+cp1252"); anything else is
    detected (GBK/GB18030, Latin-1/Windows-1252...). Binary data is refused with a message.
    """
    if len(raw) > MAX_BYTES:
        raise DocumentError(
            f"{name} is {len(raw) / 1e6:.0f} MB; Lazos reads documents up to {MAX_BYTES // 1_000_000} MB"
        )
    if len(raw) > 4 * MAX_CHARS:  # no encoding takes more than 4 bytes a character: refused unread
        raise too_long(name)
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text, encoding = raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError as exc:
            raise DocumentError(f"{name} is damaged UTF-16 text ({exc.reason} at byte {exc.start})") from exc
    else:
        if b"\x00" in raw[:8192]:
            raise DocumentError(f"{name} is binary data, not text (it contains NUL bytes)")
        try:
            text, encoding = raw.decode("utf-8"), "utf-8"
        except UnicodeDecodeError:
            text, encoding = _mixed_utf8(raw) or _detect(raw, name)
    check_length(text, name)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    controls = sum(1 for c in text[:20000] if unicodedata.category(c) == "Cc" and c not in "\n\t\f\v")
    if text and controls > 0.05 * min(len(text), 20000):
        raise DocumentError(f"{name} looks like binary data, not text ({controls} control characters)")
    return text, encoding


def check_length(text: str, name: str) -> None:
    """Refuse a text over MAX_CHARS characters (plain text, or what was read from HTML or PDF)."""
    if len(text) > MAX_CHARS:
        raise too_long(name, len(text))


def too_long(name: str, chars: int | None = None) -> DocumentError:
    """The message for a document over MAX_CHARS (its count when known)."""
    has = f"{chars:,}" if chars is not None else f"more than {MAX_CHARS:,}"
    return DocumentError(
        f"{name} has {has} characters of text; Lazos reads documents up to {MAX_CHARS:,} characters:"
        " split it into parts"
    )


_HIGH = bytes(range(0x80, 0x100))


def _high_bytes(line: bytes) -> int:
    return len(line) - len(line.translate(None, _HIGH))


def _mixed_utf8(raw: bytes) -> tuple[str, str] | None:
    """A UTF-8 file with some lines in a one-byte code page (a Latin-1 name pasted into UTF-8
    text): each line in its own encoding, the others as Windows-1252 (Latin-1 for the five
    bytes it leaves undefined), and the encoding "utf-8+cp1252". None when most non-ASCII
    bytes are not in valid UTF-8 lines: then the file is in another encoding, detected whole."""
    lines = raw.splitlines(keepends=True)
    parts: list[str] = []
    used: set[str] = set()
    utf8 = other = 0
    for line in lines:
        try:
            parts.append(line.decode("utf-8"))
            utf8 += _high_bytes(line)
            continue
        except UnicodeDecodeError:
            other += _high_bytes(line)
        encoding = "cp1252" if _decodes(line, "cp1252") else "latin_1"
        parts.append(line.decode(encoding))
        used.add(encoding)
    if utf8 < max(other, 1):
        return None
    return "".join(parts), "+".join(["utf-8", *sorted(used)])


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _detect(raw: bytes, name: str) -> tuple[str, str]:
    from charset_normalizer import from_bytes
    from charset_normalizer.utils import is_multi_byte_encoding

    best = from_bytes(raw[:2_000_000]).best()
    if best is None:
        raise DocumentError(f"cannot tell the text encoding of {name}: save it as UTF-8")
    encoding = best.encoding
    if encoding in ("gb2312", "gbk", "hz"):
        encoding = "gb18030"  # a superset: decodes what GBK files really contain
    elif not is_multi_byte_encoding(encoding) and encoding not in ("cp1252", "latin_1", "iso8859_15"):
        # Lazos reads English, Spanish, Portuguese and Chinese: a one-byte code page is Windows-1252
        # (which Latin-1 text also decodes as), not the Central European cp1250 that scores the same.
        encoding = next((e for e in ("cp1252", "latin_1") if _decodes(raw, e)), encoding)
    try:
        return raw.decode(encoding), encoding
    except (UnicodeDecodeError, LookupError) as exc:
        raise DocumentError(f"cannot decode {name} as {encoding}: save it as UTF-8") from exc


# ---------------------------------------------------------------------------- paragraphs


@dataclass
class Paragraph:
    n: int
    start: int
    end: int
    lang: str  # en, es, pt, zh
    noise: bool = False
    translation_of: int | None = None


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-zÀ-ÿ]")
# Counting by deleting the other characters is much faster than len(findall(...)).
_NOT_CJK = re.compile(r"[^\u3400-\u9fff\uf900-\ufaff]+")
_NOT_LATIN = re.compile(r"[^A-Za-zÀ-ÿ]+")


def cjk_share(text: str) -> float:
    if not _CJK.search(text):
        return 0.0
    cjk = len(_NOT_CJK.sub("", text))
    latin = len(_NOT_LATIN.sub("", text))
    return cjk / (cjk + latin / 4) if cjk or latin else 0.0


@cache
def _detector():  # type: ignore[no-untyped-def]
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(
        Language.ENGLISH, Language.SPANISH, Language.PORTUGUESE, Language.CHINESE
    ).build()


_LINGUA = {"ENGLISH": "en", "SPANISH": "es", "PORTUGUESE": "pt", "CHINESE": "zh"}


_FUNCTION_WORDS = {
    "en": {"the", "and", "of", "to", "in", "is", "that", "for", "with", "was", "by", "has", "its", "from", "which"},
    "es": {"el", "los", "las", "del", "y", "en", "una", "por", "para", "con", "es", "se", "su", "al", "como", "más"},
    "pt": {
        "os",
        "as",
        "do",
        "da",
        "dos",
        "das",
        "em",
        "uma",
        "para",
        "com",
        "não",
        "se",
        "sua",
        "ao",
        "como",
        "mais",
        "e",
    },
}
_WORDS = re.compile(r"[a-zà-ÿ]+")


def detect_language(text: str, default: str = "en", *, model: bool = True) -> str:
    """en, es, pt or zh: by script for Chinese; for the others, by the share of each language's
    commonest function words when it is clear, else by lingua (restricted to the four) unless
    ``model`` is false, when ``default`` is returned."""
    sample = text[:400]
    if cjk_share(sample) > 0.3:
        return "zh"
    words = _WORDS.findall(sample.lower())
    if len(words) < 3:
        return default
    scores = {lang: sum(1 for w in words if w in fw) for lang, fw in _FUNCTION_WORDS.items()}
    ranked = sorted(scores.items(), key=lambda kv: -kv[1])
    (best, top), (_, second) = ranked[0], ranked[1]
    if (len(words) >= 25 and top >= 4 and top >= 2 * second) or (top >= 2 and second == 0) or top >= 3 * second >= 3:
        return best  # clear enough; lingua (slower, and slow to load) decides the rest
    if not model:
        return default
    found = _detector().detect_language_of(sample)
    return _LINGUA.get(found.name, default) if found else default


def _boilerplate_re() -> re.Pattern[str]:
    words = sorted(lexicon()["boilerplate"], key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE)


_BOILERPLATE = _boilerplate_re()


_NOT_LETTER = re.compile(r"[\W\d_]+")
_SPACES = re.compile(r"\s+")
_DIGIT = re.compile(r"\d")


def is_noise(text: str) -> bool:
    """Page furniture or debris: share buttons, navigation, lines of stray characters."""
    stripped = text.strip()[:400]
    letters = len(_NOT_LETTER.sub("", stripped))
    if letters < 3:
        return not _DIGIT.search(stripped) or letters == 0
    if len(stripped) < 80 and len(_NOT_LETTER.sub("", _BOILERPLATE.sub("", stripped))) < 3:
        return True
    return letters < 0.4 * len(_SPACES.sub("", stripped))


def paragraphs(text: str) -> list[Paragraph]:
    """Blocks between blank lines; a block whose lines change script is split by line."""
    out: list[Paragraph] = []
    for block in re.finditer(r"[^\n]+(?:\n[^\n]*\S[^\n]*)*", text):
        lines = list(re.finditer(r"[^\n]+", block.group()))
        scripts = {cjk_share(m.group()[:300]) > 0.3 for m in lines if m.group().strip()}
        spans = (
            [(block.start() + m.start(), block.start() + m.end()) for m in lines]
            if len(scripts) > 1
            else [(block.start(), block.end())]
        )
        for start, end in spans:
            chunk = text[start:end]
            if not chunk.strip():
                continue
            lead = len(chunk) - len(chunk.lstrip())
            trail = len(chunk) - len(chunk.rstrip())
            start, end = start + lead, end - trail
            out.append(Paragraph(len(out), start, end, "en", is_noise(text[start:end])))
    found = {p.n: _language(text[p.start : p.end]) for p in out if not p.noise}
    majority = _majority([lang for lang in found.values() if lang])
    for p in out:
        if found.get(p.n):
            p.lang = found[p.n]
        else:
            p.lang = "zh" if cjk_share(text[p.start : min(p.end, p.start + 400)]) > 0.3 else majority
    return out


@cache
def _figures_re() -> re.Pattern[str]:
    """Digits, Chinese numerals, or a word that gives a number in any of the Latin-script
    languages (the longest word of each phrase: "mitad" for "la mitad", "twice" for "twice as")."""
    keys = {max(re.split(r"[\s\-]+", w), key=len) for lang in ("en", "es", "pt") for w in figure_words(lang)}
    return re.compile(rf"[0-9零〇一二两三四五六七八九十百千万亿]|(?<![^\W\d_]){trie(keys)}(?![^\W\d_])", re.IGNORECASE)


def _language(chunk: str) -> str:
    """A paragraph's language, or "" when unclear. The language model (slow to load) is asked
    only about unclear paragraphs that hold figures; the others take the document's majority."""
    found = detect_language(chunk, "", model=False)
    if not found and _figures_re().search(chunk):
        found = detect_language(chunk, "")
    return found


def _majority(langs: list[str]) -> str:
    return max(set(langs), key=langs.count) if langs else "en"


_FIGURE = re.compile(r"\d[\d.,]*\d|\d")


def _figures(text: str) -> set[str]:
    """Significant digits of the numbers in a text: 485.8 (billion) and 4858 (亿) both give
    "4858", 60 and 600 both "6", so that figures match across scale words."""
    out = set()
    for m in _FIGURE.finditer(text):
        digits = m.group().replace(".", "").replace(",", "").lstrip("0").rstrip("0")
        if len(m.group()) >= 2 and digits:
            out.add(digits)
    return out


_DIGIT_RUN = re.compile(r"\d{2,}")


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 0.0


def pair_translations(text: str, paras: list[Paragraph]) -> None:
    """Mark side-by-side translations: a paragraph and its neighbour in another language
    that carry the same figures (or, without figures, comparable length)."""
    kept = [p for p in paras if not p.noise]
    used: set[int] = set()
    for a, b in itertools.pairwise(kept):
        if a.n in used or b.n in used or a.lang == b.lang or "zh" not in (a.lang, b.lang):
            continue
        ta, tb = text[a.start : a.end], text[b.start : b.end]
        za, zb = (ta, tb) if a.lang == "zh" else (tb, ta)
        ratio = len(za) / max(len(zb), 1)  # Chinese runs at about a third of the English length
        # Shared numbers, as written (2022, 35) or by significant digits (485.8 bn = 4858 亿).
        written_a, written_b = set(_DIGIT_RUN.findall(ta)), set(_DIGIT_RUN.findall(tb))
        shared = (
            max(_jaccard(written_a, written_b), _jaccard(_figures(ta), _figures(tb)))
            if written_a or written_b
            else None
        )
        if (shared is not None and shared >= 0.3) or (shared is None and 0.15 <= ratio <= 1.2):
            b.translation_of = a.n
            a.translation_of = b.n
            used |= {a.n, b.n}


# ---------------------------------------------------------------------------- sentences


def _abbreviations() -> set[str]:
    return {a.lower() for a in lexicon()["abbreviations"]}


_ABBR = _abbreviations()
_LATIN_END = re.compile(
    r"[.!?](?:[\"”’)\]]*)(?:\d{1,3}|\[\d{1,3}\]|[¹²³⁴⁵⁶⁷⁸⁹⁰]+)?(?=\s+[\"“‘(\[¿¡]?[A-ZÀ-Ý0-9\u3400-\u9fff])"
)
_ZH_END = re.compile(r"[。！？](?:[”’」』)]*)")


def sentences(text: str, start: int, end: int, lang: str) -> list[tuple[int, int]]:
    """Sentence spans inside ``text[start:end]``."""
    chunk = text[start:end]
    cuts = []
    for m in _ZH_END.finditer(chunk):
        cuts.append(m.end())
    if lang != "zh" or _LATIN.search(chunk):
        for m in _LATIN_END.finditer(chunk):
            if chunk[m.start()] == ".":
                word = re.search(r"([\w.]+)$", chunk[max(0, m.start() - 24) : m.start()])
                if word and (word.group(1).lower() in _ABBR or (len(word.group(1)) == 1 and word.group(1).isupper())):
                    continue
                digits = word and re.fullmatch(r"\d+", word.group(1)) and re.match(r"\.\d", chunk[m.start() :])
                if digits and not re.fullmatch(r"(?:19|20)\d\d", word.group(1)):
                    continue  # a decimal point; after a year it is a footnote marker
            cuts.append(m.end())
    out, last = [], 0
    for cut in sorted(set(cuts)):
        if cut > last:
            out.append((start + last, start + cut))
            last = cut
    if last < len(chunk):
        out.append((start + last, end))
    return [(s, e) for s, e in out if text[s:e].strip()]
