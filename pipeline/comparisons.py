"""Each member against its peer groups: the peers' values and the member's place among them."""

from __future__ import annotations

import pandas as pd

from pipeline.catalogue import Catalogue
from pipeline.peers import PeerGroups

COMPARISON_COLUMNS = ("geo", "group", "indicator_id", "time_period", "value", "place", "n_placed",
                      "peers", "peer_values")


def peer_comparisons(indicators: pd.DataFrame, catalogue: Catalogue, peers: PeerGroups, edition: int) -> pd.DataFrame:
    """One row per member, peer group and indicator for the edition's reporting period.

    `place` is the member's rank among itself and its peers with a value (1 = best, ties share
    the lowest place, the catalogue's direction); None when the member has no value. `peers`
    and `peer_values` list the other members in the group's order, a missing value as None.
    """
    periods = {s.id: catalogue.reporting_period(s, edition) for s in catalogue.indicators}
    rows = indicators.loc[indicators["indicator_id"].map(periods) == indicators["time_period"]]
    value = {(i, g): v for i, g, v in zip(rows["indicator_id"], rows["geo"], rows["value"])}
    out = []
    for spec in catalogue.indicators:
        sign = -1.0 if spec.higher_is_better else 1.0
        for geo, comparisons in peers.by_member.items():
            mine = value.get((spec.id, geo))
            for group, _, others in comparisons:
                values = [value.get((spec.id, o)) for o in others]
                shown = [v for v in values if v is not None and not pd.isna(v)]
                has = mine is not None and not pd.isna(mine)
                place = 1 + sum(1 for v in shown if sign * v < sign * mine) if has else None
                out.append({"geo": geo, "group": group, "indicator_id": spec.id, "time_period": periods[spec.id],
                            "value": mine if has else None, "place": place,
                            "n_placed": len(shown) + 1 if has else len(shown),
                            "peers": list(others), "peer_values": [None if v is None or pd.isna(v) else v for v in values]})
    table = pd.DataFrame(out, columns=list(COMPARISON_COLUMNS))
    return table.astype({"place": "Int64", "n_placed": "int64", "value": "float64", "time_period": "int64"})
