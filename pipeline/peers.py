"""Peer groups as data: each member's neighbours and the named groups it is compared with."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from pipeline.catalogue import Titles
from pipeline.errors import CatalogueError
from pipeline.geo import EU27

DEFAULT_PATH = Path(__file__).with_name("peer_groups.yaml")
_MEMBERS = " ".join(sorted(EU27))


def check_member(code: object, where: str) -> str:
    """A member code, or an error naming the setting and listing the 27 codes."""
    if not isinstance(code, str) or code not in EU27:
        raise ValueError(f"{where}: {code!r} is not an EU member code; the 27 are {_MEMBERS}")
    return code


class Group(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    title: Titles
    members: tuple[str, ...]

    @field_validator("members")
    @classmethod
    def _known(cls, members):
        if len(members) < 2:
            raise ValueError("a group needs at least two members")
        return tuple(check_member(m, "member") for m in members)


class PeerGroups(BaseModel):
    """`neighbours[GEO]` for each of the 27, and named `groups`."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    neighbours: dict[str, tuple[str, ...]]
    groups: dict[str, Group] = {}

    @model_validator(mode="after")
    def _complete(self) -> "PeerGroups":
        for geo, peers in self.neighbours.items():
            check_member(geo, "neighbours")
            for peer in peers:
                check_member(peer, f"neighbours.{geo}")
            if geo in peers:
                raise ValueError(f"neighbours.{geo}: a member is not its own neighbour")
        missing = sorted(EU27 - set(self.neighbours))
        if missing:
            raise ValueError(f"neighbours: no entry for {', '.join(missing)} (every member needs one)")
        return self

    @cached_property
    def by_member(self) -> dict[str, tuple[tuple[str, str | None, tuple[str, ...]], ...]]:
        """Per member: (group id, group titles or None for neighbours, other members), neighbours first."""
        out = {}
        for geo in sorted(EU27):
            comparisons = [("neighbours", None, self.neighbours[geo])]
            comparisons += [(gid, g.title, tuple(m for m in g.members if m != geo))
                            for gid, g in self.groups.items() if geo in g.members]
            out[geo] = tuple(comparisons)
        return out


def load_peer_groups(path: str | Path | None = None) -> PeerGroups:
    """Read and validate the peer groups (default: the packaged file)."""
    path = Path(path) if path is not None else DEFAULT_PATH
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        return PeerGroups.model_validate(doc)
    except OSError as exc:
        raise CatalogueError(f"peer groups {path} cannot be read: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        raise CatalogueError(f"peer groups {path}: not valid YAML: {exc}") from None
    except ValidationError as err:
        problems = [f"{'.'.join(map(str, e['loc'])) or 'file'}: {e['msg'].removeprefix('Value error, ')}"
                    for e in err.errors()]
        raise CatalogueError(f"peer groups {path} has {len(problems)} problem(s):\n  - " + "\n  - ".join(problems)) from None
