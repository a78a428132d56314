"""The `eurostat` PyPI package (the baseline), pointed at a loopback mirror instead of Eurostat.

`eurostat.get_data_df(code, flags=True)` first asks the SDMX registry for the dataflow and its
data structure (to learn the dimension order), then downloads `data/<code>?format=TSV&compressed=true`.
Its base URL is a class attribute (`eurostat.eurostat.__Uri__.BASE_URL`), so it can be pointed at
the loopback `MirrorServer`; this module adds the two registry answers the mirror does not serve.
"""

from __future__ import annotations

import contextlib

from pipeline.eurostat.mirror import XML_CONTENT_TYPE, MirrorServer, Reply

_STRUCTURE = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure"
_MESSAGE = "http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message"
DATAFLOW_PREFIX = "/sdmx/2.1/dataflow/ESTAT/"
DATASTRUCTURE_PREFIX = "/sdmx/2.1/datastructure/ESTAT/"


def _dataflow(code: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><m:Structure xmlns:m="{_MESSAGE}" xmlns:s="{_STRUCTURE}">'
        f'<m:Structures><s:Dataflows><s:Dataflow id="{code.upper()}" agencyID="ESTAT" version="1.0">'
        f'<s:Structure><Ref id="{code.upper()}" agencyID="ESTAT" version="1.0" class="DataStructure"/>'
        "</s:Structure></s:Dataflow></s:Dataflows></m:Structures></m:Structure>"
    ).encode()


def _datastructure(code: str, dimensions: tuple[str, ...]) -> bytes:
    dims = "".join(
        f'<s:Dimension id="{name}" position="{i}"><s:LocalRepresentation><s:Enumeration>'
        f'<Ref id="{name.upper()}" agencyID="ESTAT" version="1.0" class="Codelist" package="codelist"/>'
        "</s:Enumeration></s:LocalRepresentation></s:Dimension>"
        for i, name in enumerate(dimensions, start=1)
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><m:Structure xmlns:m="{_MESSAGE}" xmlns:s="{_STRUCTURE}">'
        f'<m:Structures><s:DataStructures><s:DataStructure id="{code.upper()}" agencyID="ESTAT" version="1.0">'
        f"<s:DataStructureComponents><s:DimensionList>{dims}</s:DimensionList></s:DataStructureComponents>"
        "</s:DataStructure></s:DataStructures></m:Structures></m:Structure>"
    ).encode()


class RegistryMirror(MirrorServer):
    """The mirror plus the dataflow and data-structure answers the `eurostat` package asks for first."""

    def __init__(self, root, dimensions: tuple[str, ...], **kwargs):
        self.dimensions = dimensions
        super().__init__(root, **kwargs)

    def answer(self, path: str, query: dict[str, list[str]]) -> Reply:
        xml = (("Content-Type", XML_CONTENT_TYPE),)
        if path.startswith(DATAFLOW_PREFIX):
            return Reply(200, _dataflow(path[len(DATAFLOW_PREFIX):].split("/")[0]), xml)
        if path.startswith(DATASTRUCTURE_PREFIX):
            return Reply(200, _datastructure(path[len(DATASTRUCTURE_PREFIX):].split("/")[0], self.dimensions), xml)
        return super().answer(path, query)


@contextlib.contextmanager
def pointed_at(base_url: str):
    """Point the `eurostat` package's EUROSTAT provider at `base_url` for the duration."""
    import eurostat.eurostat as package

    urls = package.__Uri__.BASE_URL
    old = urls["EUROSTAT"]
    urls["EUROSTAT"] = f"{base_url}/sdmx/2.1/"
    try:
        yield package
    finally:
        urls["EUROSTAT"] = old


class _Served:
    """What `requests` would have returned: the package reads `.content`, `.ok` and `.url` only."""

    def __init__(self, url: str, content: bytes):
        self.url, self.content, self.ok = url, content, True


@contextlib.contextmanager
def served_from_memory(bodies: dict[str, bytes]):
    """Replace only the package's download function: URL -> bytes recorded earlier (parsing alone)."""
    import eurostat.eurostat as package

    original = package.__get_resp__
    package.__get_resp__ = lambda url, **kwargs: _Served(url, bodies[url])
    try:
        yield package
    finally:
        package.__get_resp__ = original


def record(base_url: str, code: str) -> dict[str, bytes]:
    """The package's own requests for `get_data_df(code)`, answered by the mirror once and kept."""
    import eurostat.eurostat as package

    seen: dict[str, bytes] = {}
    original = package.__get_resp__

    def keep(url, **kwargs):
        response = original(url, **kwargs)
        seen[url] = response.content
        return response

    package.__get_resp__ = keep
    try:
        with pointed_at(base_url):
            package.get_data_df(code, flags=True)
    finally:
        package.__get_resp__ = original
    return seen
