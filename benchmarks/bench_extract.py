"""Claim extraction: precision, recall and F1 per language, value accuracy, throughput, and quantulum3.

    .venv/bin/python benchmarks/bench_extract.py [--runs 3] [--show-errors]
    .venv/bin/python benchmarks/bench_extract.py --scaling [--sizes 5000 10000 20000] [--shape dated]

1. Quality on the labelled sets in tests/devset: the passages written for every rule
   (passages_*), the two reference articles of ../shared/corpus (labels in
   tests/devset/corpus, skipped when ../shared is absent) and the held-out articles
   (tests/devset/heldout, written and labelled independently of the extractor). A predicted
   claim matches a labelled one when their spans overlap; of matched claims we report how
   often the normalised value (unit and value to 1e-6), the period and the countries are
   exactly right.
2. Throughput: the extractor over about 2 MB of text (the labelled texts repeated), on one
   core, median of --runs, in MB of UTF-8 per second; for all texts and per language.
3. The public quantulum3 library on the English part of the same sets, scored the same way
   (a quantulum3 quantity matches when its span overlaps a labelled claim; its value is
   right when it equals the label's value, as quantulum3 does not normalise currencies and
   scale words the same way we do this is generous to it), with its throughput.
4. With --scaling (alone): the time to extract one paragraph of n figures on one line, for
   each size, and the ratio time(2n)/time(n) (2 when extraction is linear, 4 when quadratic).
   The paragraph repeats "In 2019 trade with Brazil reached US$ 12.5 billion, " with other
   years, countries and amounts (--shape dated), or "a share of 12.5%, " (--shape undated).
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# --extractor DIR scores another checkout's extractor on these labels (the first scoring of a new
# set is made with the extractor as it was before any change made for it).
_OTHER = sys.argv[sys.argv.index("--extractor") + 1] if "--extractor" in sys.argv else None
sys.path.insert(0, str(Path(_OTHER).resolve() if _OTHER else ROOT))

from lazos.documents.evaluation import Tally, load_labels, score  # noqa: E402
from lazos.documents.extract import extract  # noqa: E402

DEVSET = ROOT / "tests" / "devset"
REALSET = ROOT / "tests" / "realset"
REALSET2 = ROOT / "tests" / "realset2"  # a second round of real articles, gathered after the first
CORPUS = ROOT.parent / "shared" / "corpus"


@dataclass
class LabelledText:
    set_name: str
    name: str
    text: str
    labels_path: Path
    lang: str | None
    group: str | None = None  # for real articles: en, es-mxca, es-south, es-other, pt, zh-Hans, zh-Hant


def real_articles(split: str) -> list[LabelledText]:
    """The real-article excerpts of one split ("dev" or "test" of tests/realset, "round2" of
    tests/realset2), as listed in their manifest.csv."""
    out: list[LabelledText] = []
    folder = REALSET2 if split == "round2" else REALSET
    if not (folder / "manifest.csv").exists():
        return out
    with (folder / "manifest.csv").open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["split"] != split:
                continue
            path = folder / "articles" / row["file"]
            labels = path.with_name(path.name.replace(".txt", ".expected.jsonl"))
            out.append(
                LabelledText(f"real-{split}", path.name, path.read_text("utf-8"), labels, row["lang"], row["group"])
            )
    return out


def labelled_texts(test_split: bool = False) -> list[LabelledText]:
    """Every labelled set; the real articles' test split only when asked (it is scored once per
    release, and its misses are never printed)."""
    out = real_articles("dev") + real_articles("round2") + (real_articles("test") if test_split else [])
    for f in sorted(DEVSET.glob("passages_*.txt")):
        labels = f.with_suffix(".expected.jsonl")
        out.append(LabelledText("passages", f.name, f.read_text("utf-8"), labels, f.stem[-2:]))
    for g in sorted((DEVSET / "corpus").glob("*.expected.jsonl")):
        text = CORPUS / g.name.replace(".expected.jsonl", ".txt")
        if text.exists():
            out.append(LabelledText("corpus", text.name, text.read_text("utf-8"), g, None))
    for folder in ("heldout", "heldout2"):  # two rounds of articles written without reading the extractor
        for g in sorted((DEVSET / folder).glob("*.expected.jsonl")):
            text = g.with_name(g.name.replace(".expected.jsonl", ".txt"))
            lang = text.name[:2] if text.name[:2] in ("en", "es", "pt", "zh") else None
            out.append(LabelledText(folder, text.name, text.read_text("utf-8"), g, lang))
    return out


@dataclass
class Span:
    start: int
    end: int
    value: float
    unit: str
    lang: str
    text: str
    period: str | None = None
    countries: tuple[str, ...] = ()


def quantulum_claims(text: str) -> list[Span]:
    from quantulum3 import parser

    out = []
    for q in parser.parse(text):
        start, end = q.span
        out.append(Span(start, end, float(q.value), "any", "en", text[start:end]))
    return out


def print_table(title: str, tallies: dict[str, Tally]) -> None:
    print(f"\n{title}")
    head = f"{'lang':6} {'labelled':>8} {'found':>6} {'P':>6} {'R':>6} {'F1':>6}"
    print(f"{head} {'value':>7} {'period':>7} {'countries':>9}")
    for lang, t in sorted(tallies.items()):
        s = t.summary()
        print(
            f"{lang:6} {s['expected']:8} {s['predicted']:6} {s['precision']:6.3f} {s['recall']:6.3f} {s['f1']:6.3f} "
            f"{s['value_exact']:7.3f} {s['period_exact']:7.3f} {s['countries_exact']:9.3f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--show-errors", action="store_true")
    parser.add_argument("--no-quantulum", action="store_true")
    parser.add_argument("--scaling", action="store_true", help="only the time against figures in one paragraph")
    parser.add_argument("--sizes", type=int, nargs="+", default=[5000, 10000, 20000])
    parser.add_argument("--shape", choices=["dated", "undated"], default="dated")
    parser.add_argument("--test-split", action="store_true", help="also score the real articles' test split")
    parser.add_argument("--real-only", action="store_true", help="only the real articles (no throughput)")
    parser.add_argument("--extractor", help="a checkout whose extractor is scored (default: this one)")
    args = parser.parse_args()
    if args.scaling:
        scaling(args.sizes, args.shape, args.runs)
        return
    texts = labelled_texts(args.test_split)
    if args.real_only:
        texts = [t for t in texts if t.set_name.startswith("real-")]
    by_set: dict[str, dict[str, Tally]] = defaultdict(lambda: defaultdict(Tally))
    by_group: dict[str, dict[str, Tally]] = defaultdict(lambda: defaultdict(Tally))
    overall: dict[str, Tally] = defaultdict(Tally)
    shown: dict[str, Tally] = defaultdict(Tally)  # errors may be shown for every set but the test split
    for item in texts:
        labels = load_labels(item.text, item.labels_path, item.lang)
        found = extract(item.text).claims
        for lang, t in score(item.text, found, labels, item.name).items():
            by_set[item.set_name][lang].add(t)
            if item.set_name.startswith("real-"):
                by_set[item.set_name]["all"].add(t)
            if item.group:
                by_group[item.set_name][item.group].add(t)
            overall[lang].add(t)
            if item.set_name != "real-test":
                shown[lang].add(t)
    for set_name, tallies in by_set.items():
        print_table(f"Lazos extractor, {set_name} ({sum(1 for t in texts if t.set_name == set_name)} texts)", tallies)
        if set_name in by_group:
            print_table(f"Lazos extractor, {set_name} by variety", by_group[set_name])
    print_table("Lazos extractor, all labelled sets", overall)
    if args.show_errors:
        for lang, t in sorted(shown.items()):
            for line in t.misses:
                print(f"  {lang} MISS  {line}")
            for line in t.extras:
                print(f"  {lang} EXTRA {line}")
            for line in t.wrong_values:
                print(f"  {lang} VALUE {line}")
            for line in t.wrong_attributions:
                print(f"  {lang} ATTRIBUTION {line}")
    if args.real_only:
        return

    # Throughput, one core: all texts together, then each language's texts alone (Chinese
    # takes three bytes a character in UTF-8, so its MB/s are not comparable with the others).
    extract(texts[0].text[:5000])  # compile patterns, load the language detector
    # The labelled passages and held-out articles are far denser in figures than real articles
    # (a claim every ~100 bytes against ~450 in the reference articles), so density is shown.
    groups: dict[str, list[str]] = {"all labelled texts": [t.text for t in texts]}
    groups["real articles, both splits (text only, not scored here)"] = [
        t.text for t in real_articles("dev") + real_articles("test")
    ]
    for t in texts:
        if t.set_name.startswith("real-"):
            continue
        groups.setdefault(f"{t.lang} passages and held-out articles" if t.lang else "reference articles", []).append(
            t.text
        )
    print()
    for label, members in groups.items():
        corpus = "\n\n".join(members)
        density = len(corpus.encode("utf-8")) / max(1, len(extract(corpus).claims))
        size, median = throughput(corpus, args.runs)
        print(
            f"Throughput, {label} (a claim every {density:.0f} bytes): {size:.2f} MB in {median:.2f} s "
            f"(median of {args.runs}) = {size / median:.2f} MB/s on one core"
        )

    if args.no_quantulum:
        return
    english = [t for t in texts if {lab.lang for lab in load_labels(t.text, t.labels_path, t.lang)} == {"en"}]
    ours: dict[str, Tally] = defaultdict(Tally)
    theirs: dict[str, Tally] = defaultdict(Tally)
    english_size = 0.0
    their_time = 0.0
    for item in english:
        labels = [lab for lab in load_labels(item.text, item.labels_path, item.lang) if lab.lang == "en"]
        mine = [c for c in extract(item.text).claims if c.lang == "en"]
        for lang, t in score(item.text, mine, labels, item.name).items():
            ours[lang].add(t)
        start = time.perf_counter()
        qs = quantulum_claims(item.text)
        their_time += time.perf_counter() - start
        english_size += len(item.text.encode("utf-8")) / 1e6
        for q in qs:
            q.unit = next((lab.unit for lab in labels if min(lab.end, q.end) > max(lab.start, q.start)), q.unit)
        for lang, t in score(item.text, qs, labels, item.name).items():
            theirs[lang].add(t)
    print_table(f"English texts ({len(english)}): Lazos", ours)
    print_table(f"English texts ({len(english)}): quantulum3 (value compared only; no period or countries)", theirs)
    print(f"quantulum3 throughput: {english_size:.2f} MB in {their_time:.2f} s = {english_size / their_time:.3f} MB/s")


COUNTRIES = ["Brazil", "Peru", "Chile", "Mexico", "Argentina", "Colombia", "Ecuador"]


def figures_paragraph(n: int, shape: str = "dated") -> str:
    """One paragraph, one line, of ``n`` figures: "In 2019 trade with Brazil reached US$ 12.5 billion, "
    with other years, countries and amounts (dated), or "a share of 12.5%, " (undated)."""
    if shape == "undated":
        return "Shares were " + "".join(f"a share of {i % 97 + 1}.{i % 10}%, " for i in range(n)) + "and so on.\n"
    return (
        "".join(
            f"In {2000 + i % 25} trade with {COUNTRIES[i % 7]} reached US$ {i % 97 + 1}.{i % 10} billion, "
            for i in range(n)
        )
        + "and so on.\n"
    )


def scaling(sizes: list[int], shape: str, runs: int) -> None:
    """Seconds to extract a paragraph of n figures (median of ``runs``), and time(2n)/time(n)."""
    extract(figures_paragraph(10, shape))  # compile the patterns
    seconds: dict[int, float] = {}
    print(f"Scaling, one paragraph of n {shape} figures on one line (median of {runs}):")
    for n in sizes:
        text = figures_paragraph(n, shape)
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            found = len(extract(text).claims)
            times.append(time.perf_counter() - start)
        seconds[n] = statistics.median(times)
        half = seconds.get(n // 2)
        ratio = f"  time({n})/time({n // 2}) = {seconds[n] / half:.2f}" if half else ""
        print(f"  {n:>7} figures: {seconds[n]:8.2f} s, {found} claims, {seconds[n] / n * 1e3:.3f} ms a figure{ratio}")


def throughput(corpus: str, runs: int) -> tuple[float, float]:
    """(MB, median seconds) for extracting about 2 MB made of ``corpus`` repeated."""
    big = corpus * max(1, int(2_000_000 / max(1, len(corpus.encode("utf-8")))))
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        extract(big)
        times.append(time.perf_counter() - start)
    return len(big.encode("utf-8")) / 1e6, statistics.median(times)


if __name__ == "__main__":
    main()
