"""The council's AP Directory in the register database: `ap-sheets directory load` stores a
checked directory with its date; `consolidate --db` uses the latest held on or before the
term's end. Every directory loaded is kept, so which providers were listed when is known."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.engine import Engine

from ..rules.directory_cross_rules import Directory, DirectoryLoad, Listing
from . import schema as S
from .load import content_hash
from .store import lock


@dataclass
class Stored:
    new: bool  # False: the same file was loaded before (nothing changed)
    directory_date: date
    providers: int


def store_directory(engine: Engine, path, load: DirectoryLoad, now: datetime | None = None) -> Stored:
    """Store a directory `load_directory` found usable (no errors, a Directory date). Idempotent."""
    directory = load.directory
    if directory is None or directory.day is None:
        raise ValueError("only a directory with no errors and a Directory date is stored")
    digest = content_hash(path)
    now = (now or datetime.now()).replace(microsecond=0)
    with engine.begin() as conn:
        lock(conn)
        if conn.scalar(select(S.directories.c.id).where(S.directories.c.content_hash == digest)) is not None:
            return Stored(False, directory.day, len(directory.listings))
        directory_id = conn.execute(
            S.directories.insert().values(
                content_hash=digest,
                file=directory.file,
                directory_date=directory.day,
                queries=load.queries,
                findings=[],
                loaded_at=now,
            )
        ).inserted_primary_key[0]
        rows = [
            {
                "directory_id": directory_id,
                "row": x.row,
                "provider_key": key,
                "provider_id": x.provider_id,
                "provider_name": x.name,
                "status": x.status,
                "registered": x.registered,
                "dfe_urn": x.dfe_urn,
                "last_qa_visit": x.last_qa_visit,
                "qa_outcome": x.qa_outcome,
                "standard_fee": x.standard_fee,
                "fee_basis": x.fee_basis,
            }
            for key, x in directory.listings.items()
        ]
        if rows:
            conn.execute(S.directory_listings.insert(), rows)
    return Stored(True, directory.day, len(directory.listings))


def directory_at(engine: Engine, day: date) -> Directory | None:
    """The latest directory held dated on or before `day` (the latest loaded on a tie)."""
    d, x = S.directories, S.directory_listings
    with engine.connect() as conn:
        found = conn.execute(
            select(d.c.id, d.c.file, d.c.directory_date)
            .where(d.c.directory_date <= day)
            .order_by(d.c.directory_date.desc(), d.c.id.desc())
            .limit(1)
        ).first()
        if found is None:
            return None
        directory = Directory(found.file, found.directory_date)
        for r in conn.execute(select(x).where(x.c.directory_id == found.id).order_by(x.c.row)):
            directory.listings[r.provider_key] = Listing(
                r.row,
                r.provider_id,
                r.provider_name,
                r.status,
                r.registered,
                r.dfe_urn,
                r.last_qa_visit,
                r.qa_outcome,
                r.standard_fee,
                r.fee_basis,
            )
    return directory
