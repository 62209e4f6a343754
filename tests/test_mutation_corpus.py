"""A seeded mutation corpus of real returns: byte flips, parts cut short, bytes flipped inside
parts (with a valid CRC, so the parsers see them), lying counts, odd cell types and values.

Every mutant must get a verdict (accepted, rejected or unreadable): no exception escapes, no
process dies, nothing hangs; no input changes; no reason or message carries a pupil's data.
All mutants are checked in one child process capped at 3 GB of memory, so a mutant that
made the reader reserve memory it never needs, or abort, fails this test instead of the run.
Bounded to well under a minute on the 2-core test machine (136 mutants).
"""

from __future__ import annotations

import hashlib
import io
import json
import random
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from conftest import PUPILS, provider_return

SEED = 20241201
CLIENTS = Path(__file__).parent / "fixtures" / "clients"
PER_KIND = {"clean": 20, "libreoffice": 6}  # mutants of each kind per base (~0.05 s / ~0.2 s each)
ONLY = {"lying_unique_count": "libreoffice"}  # the base that has the part the kind changes
VERDICTS = {"accepted", "rejected", "unreadable"}


def _personal() -> set[str]:
    """Every pupil's UPN, names, date of birth and postcode as they are in the return."""
    out = set()
    for p in PUPILS:
        out |= {
            p["upn"],
            p["surname"],
            p["forename"],
            p["postcode"],
            p["date_of_birth"].strftime("%d/%m/%Y"),
            p["date_of_birth"].isoformat(),
        }
    return out


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: z.read(i.filename) for i in z.infolist()}


def _zip(parts: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in parts.items():
            z.writestr(name, body)
    return buf.getvalue()


def _xml_parts(parts: dict[str, bytes]) -> list[str]:
    return sorted(n for n in parts if n.endswith((".xml", ".rels", ".vml")))


def flip_bytes(rng: random.Random, data: bytes) -> bytes:
    out = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        i = rng.randrange(len(out))
        out[i] ^= 1 << rng.randrange(8)
    return bytes(out)


def cut_part(rng: random.Random, data: bytes) -> bytes:
    parts = _parts(data)
    name = rng.choice(_xml_parts(parts))
    parts[name] = parts[name][: rng.randrange(len(parts[name]) + 1)]
    return _zip(parts)


def flip_inside_part(rng: random.Random, data: bytes) -> bytes:
    parts = _parts(data)
    name = rng.choice(_xml_parts(parts))
    body = bytearray(parts[name])
    for _ in range(rng.randint(1, 4)):
        if body:
            body[rng.randrange(len(body))] = rng.choice(b'<>"&/=#x0 \x00\xff-9')
    parts[name] = bytes(body)
    return _zip(parts)


_COUNTS = re.compile(
    rb'\b(count|uniqueCount|totalsRowCount|headerRowCount|r|ref|spans|sheetId|s|numFmtId|xfId)="[^"]*"'
)
LIES = [
    b"4294967295",
    b"18446744073709551615",
    b"-1",
    b"0",
    b"999999999",
    b"A1:XFD1048576",
    b"1:16384",
    b"XFD1048576",
    b"x",
    b"",
]


def lying_count(rng: random.Random, data: bytes) -> bytes:
    parts = _parts(data)
    names = [n for n in _xml_parts(parts) if _COUNTS.search(parts[n])]
    name = rng.choice(names)
    matches = list(_COUNTS.finditer(parts[name]))
    m = rng.choice(matches)
    body = parts[name]
    parts[name] = body[: m.start()] + m.group(1) + b'="' + rng.choice(LIES) + b'"' + body[m.end() :]
    return _zip(parts)


TYPES = ["e", "b", "d", "s", "n", "str", "inlineStr", "zz", ""]
VALUES = [
    "Okafor",
    "UB8 1UW",
    "#SPILL!",
    "#N/A",
    "#GETTING_DATA",
    '#"x"',
    "-1",
    "x",
    " 1",
    "1e999",
    "NaN",
    "inf",
    "",
    "2",
    "18446744073709551617",
    "2024-13-45",
    "45537",
    "junk text",
    "0.5",
]


def odd_cells(rng: random.Random, data: bytes) -> bytes:
    parts = _parts(data)
    sheet = (
        "xl/worksheets/sheet3.xml"
        if "xl/worksheets/sheet3.xml" in parts
        else rng.choice([n for n in parts if n.startswith("xl/worksheets/sheet")])
    )
    body = parts[sheet].decode("utf-8", "replace")
    refs = re.findall(r'<c r="([A-Z]+[2-4])"', body)
    for ref in rng.sample(refs, min(len(refs), rng.randint(1, 5))):
        t = rng.choice(TYPES)
        cell = f'<c r="{ref}"{f" t={chr(34)}{t}{chr(34)}" if t else ""}><v>{rng.choice(VALUES)}</v></c>'
        body = re.sub(rf'<c r="{ref}"(?: [^>]*)?(?:/>|>.*?</c>)', lambda m: cell, body, count=1, flags=re.S)  # noqa: B023 (called at once)
    parts[sheet] = body.encode()
    return _zip(parts)


def lying_unique_count(rng: random.Random, data: bytes) -> bytes:
    """The shared-strings table's uniqueCount (what the reader reserves memory by) set to a lie."""
    parts = _parts(data)
    parts["xl/sharedStrings.xml"] = re.sub(
        rb'uniqueCount="[^"]*"', b'uniqueCount="' + rng.choice(LIES) + b'"', parts["xl/sharedStrings.xml"], count=1
    )
    return _zip(parts)


KINDS = [flip_bytes, cut_part, flip_inside_part, lying_count, odd_cells, lying_unique_count]


def make_corpus(folder: Path, bases: dict[str, bytes]) -> dict[str, str]:
    """Write the mutants; returns {file name: sha256} of every file written."""
    rng = random.Random(SEED)
    hashes = {}
    for base_name, base in bases.items():
        for kind in KINDS:
            if ONLY.get(kind.__name__, base_name) != base_name:
                continue
            for n in range(PER_KIND[base_name]):
                data = kind(rng, base)
                name = f"{base_name}-{kind.__name__}-{n:03d}.xlsx"
                (folder / name).write_bytes(data)
                hashes[name] = hashlib.sha256(data).hexdigest()
    return hashes


def _child(folder: str) -> None:
    """Run in the child process: one JSON line per mutant, flushed before the next starts."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
    from ap_sheets.validate import validate_file

    for path in sorted(Path(folder).iterdir()):
        print(json.dumps({"start": path.name}), flush=True)
        started = time.perf_counter()
        try:
            r = validate_file(path)
            line = {
                "file": path.name,
                "status": r.status,
                "reason": r.reason,
                "messages": [f.message for f in r.issues],
            }
        except BaseException as exc:
            line = {"file": path.name, "escaped": f"{type(exc).__name__}: {exc}"[:300]}
        line["seconds"] = time.perf_counter() - started
        print(json.dumps(line), flush=True)


def test_every_mutant_of_a_real_return_gets_a_verdict(tmp_path):
    folder = tmp_path / "mutants"
    folder.mkdir()
    bases = {
        "clean": provider_return().save(tmp_path / "clean.xlsm").read_bytes(),
        "libreoffice": (CLIENTS / "libreoffice_en_GB.xlsx").read_bytes(),
    }
    hashes = make_corpus(folder, bases)
    started = time.perf_counter()
    run = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import sys; sys.path.insert(0, {str(Path(__file__).parent)!r}); "
            f"from test_mutation_corpus import _child; _child({str(folder)!r})",
        ],
        capture_output=True,
        text=True,
        timeout=240,
    )
    seconds = time.perf_counter() - started
    lines = [json.loads(ln) for ln in run.stdout.splitlines() if ln.strip()]
    results = {ln["file"]: ln for ln in lines if "file" in ln}
    last = next((ln["start"] for ln in reversed(lines) if "start" in ln), None)
    assert run.returncode == 0 and len(results) == len(hashes), (
        f"the child died (exit {run.returncode}) on {last}: {run.stderr[-1500:]}"
    )
    escaped = {f: r["escaped"] for f, r in results.items() if "escaped" in r}
    assert not escaped
    assert {r["status"] for r in results.values()} <= VERDICTS
    slow = {f: round(r["seconds"], 2) for f, r in results.items() if r["seconds"] > 5}
    assert not slow
    personal = _personal()  # (a finding's message may quote a value in a column that is not personal)
    leaks = {f: [p for p in personal if p in (r["reason"] or "")] for f, r in results.items()}
    assert not {f: p for f, p in leaks.items() if p}
    for name, digest in hashes.items():  # inputs unchanged
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    statuses = [r["status"] for r in results.values()]
    # the corpus really exercises all three verdicts
    assert {"accepted", "rejected", "unreadable"} <= set(statuses), statuses
    print(
        f"{len(results)} mutants in {seconds:.1f} s: " + ", ".join(f"{s} {statuses.count(s)}" for s in sorted(VERDICTS))
    )
