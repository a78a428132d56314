"""Reading Eurostat codelists: every real structure file, SDMX 2.1 and 3.0, and hostile or broken XML refused by name."""

from __future__ import annotations

import gzip
from datetime import datetime

import pytest

from pipeline.eurostat.codelists import CodelistError, parse_codelist
from pipeline.sample_codelists import codelist_message
from tests.helpers.xml_attacks import BILLION_LAUGHS, EXTERNAL_ENTITY

# (file, codelist id, version, number of codes) of every real codelist in ../shared/eurostat-samples/_structure
REAL_CODELISTS = [
    ("ESTAT_FREQ_3.9.xml", "FREQ", "3.9", 12),
    ("ESTAT_GEO_26.0.xml", "GEO", "26.0", 4290),
    ("ESTAT_INDIC_IS_25.2.xml", "INDIC_IS", "25.2", 1540),
    ("ESTAT_IND_TYPE_9.0.xml", "IND_TYPE", "9.0", 192),
    ("ESTAT_NACE_R2_17.0.xml", "NACE_R2", "17.0", 1342),
    ("ESTAT_SIZE_EMP_7.0.xml", "SIZE_EMP", "7.0", 38),
    ("ESTAT_UNIT_69.0.xml", "UNIT", "69.0", 721),
]
# The data structure definitions and the hierarchy message hold no codelist.
REAL_OTHERS = ["ESTAT_ISOC_CISCE_IC_39.0.xml", "ESTAT_ISOC_CISCE_RA_41.0.xml", "ESTAT_ISOC_CISCI_PRV20_42.0.xml",
               "Structures.xml"]




def message(codes: dict[str, dict[str, str]], codelist: str = "SIZE_EMP") -> bytes:
    return codelist_message(codelist, "7.0", {"en": "Size classes"}, codes, datetime(2026, 2, 27, 11))


@pytest.mark.parametrize("name, ident, version, count", REAL_CODELISTS)
def test_every_real_codelist_reads_with_its_id_version_and_every_code(samples_dir, name, ident, version, count):
    cl = parse_codelist((samples_dir / "_structure" / name).read_bytes(), ident)
    assert (cl.id, cl.agency, cl.version, cl.sdmx, len(cl.codes)) == (ident, "ESTAT", version, "3.0", count)
    assert set(cl.names) == {"en", "fr", "de"}


def test_real_labels_in_english_french_and_german(samples_dir):
    folder = samples_dir / "_structure"
    indic = parse_codelist((folder / "ESTAT_INDIC_IS_25.2.xml").read_bytes(), "INDIC_IS")
    assert indic.codes["E_AI_TANY"]["en"].startswith("Enterprises using at least one of the AI technologies")
    assert indic.codes["E_AI_TANY"]["fr"].startswith("Entreprises utilisant au moins une technologie d'IA")
    assert indic.codes["E_AI_TANY"]["de"].startswith("Unternehmen verwenden mindestens eines der KI-Technologien")
    size = parse_codelist((folder / "ESTAT_SIZE_EMP_7.0.xml").read_bytes(), "SIZE_EMP")
    assert dict(size.codes["GE250"]) == {"en": "250 persons employed or more", "de": "250 Beschäftigte und mehr",
                                         "fr": "250 personnes employées ou plus"}
    unit = parse_codelist((folder / "ESTAT_UNIT_69.0.xml").read_bytes(), "UNIT")
    assert dict(unit.codes["PC_ENT"]) == {"en": "Percentage of enterprises", "de": "Prozent der Unternehmen",
                                          "fr": "Pourcentage des entreprises"}
    geo = parse_codelist((folder / "ESTAT_GEO_26.0.xml").read_bytes(), "GEO")
    assert dict(geo.codes["BE"]) == {"en": "Belgium", "de": "Belgien", "fr": "Belgique"}
    assert geo.label("EL", "en") == "Greece"


@pytest.mark.parametrize("name", REAL_OTHERS)
def test_a_real_structure_file_without_a_codelist_is_refused_by_name(samples_dir, name):
    with pytest.raises(CodelistError, match="codelist GEO: the structure message holds no SDMX 2.1 or 3.0 Codelist"):
        parse_codelist((samples_dir / "_structure" / name).read_bytes(), "GEO")


def test_the_wrong_codelist_is_refused(samples_dir):
    with pytest.raises(CodelistError, match="codelist UNIT: the structure message holds no codelist UNIT"):
        parse_codelist((samples_dir / "_structure" / "ESTAT_FREQ_3.9.xml").read_bytes(), "UNIT")


def test_sdmx_2_1_as_the_2_1_endpoint_serves_it_plain_or_gzip():
    body = message({"GE10": {"en": "10 persons employed or more", "fr": "10 personnes employées ou plus"}})
    for served in (body, gzip.compress(body)):
        cl = parse_codelist(served, "SIZE_EMP")
        assert (cl.id, cl.version, cl.sdmx) == ("SIZE_EMP", "7.0", "2.1")
        assert cl.label("GE10", "fr") == "10 personnes employées ou plus"
        assert cl.label("GE10", "de") is None


@pytest.mark.parametrize("attack, codelist", [(BILLION_LAUGHS, "GEO"), (EXTERNAL_ENTITY, "UNIT")])
def test_entity_expansion_and_external_entities_are_refused_naming_the_codelist(attack, codelist):
    with pytest.raises(CodelistError, match=f"codelist {codelist}: refused unsafe XML") as err:
        parse_codelist(attack, codelist)
    assert err.value.codelist == codelist


def test_malformed_and_truncated_files_are_errors_naming_the_codelist():
    body = message({"GE10": {"en": "10 persons employed or more"}})
    with pytest.raises(CodelistError, match="codelist SIZE_EMP: malformed or truncated XML"):
        parse_codelist(body[: len(body) // 2], "SIZE_EMP")
    with pytest.raises(CodelistError, match="codelist SIZE_EMP: unreadable gzip"):
        parse_codelist(gzip.compress(body)[:-20], "SIZE_EMP")
    with pytest.raises(CodelistError, match="codelist SIZE_EMP 7.0: no codes in it"):
        parse_codelist(message({}), "SIZE_EMP")


def test_problems_name_the_codelist_and_code_missing_or_without_a_label():
    cl = parse_codelist(message({"GE10": {"en": "10 persons employed or more", "fr": "10 ou plus", "de": "10+"},
                                 "GE250": {"fr": "250 ou plus", "de": "250+"}}), "SIZE_EMP")
    assert cl.problems(frozenset({"GE10", "GE250", "10-49"})) == [
        "codelist SIZE_EMP 7.0: code 10-49 is not in it",
        "codelist SIZE_EMP 7.0: code GE250 has no label in en",
    ]


@pytest.mark.parametrize("name", REAL_OTHERS[:3])
def test_the_real_dsds_name_each_dimensions_codelist_as_the_dimension_upper_cased(samples_dir, name):
    """What `pipeline.labels.codelist_id` assumes, held against Eurostat's own data structure definitions."""
    from defusedxml.ElementTree import fromstring

    from pipeline.eurostat.codelists import NAMESPACES
    from pipeline.labels import codelist_id

    structure, _ = NAMESPACES["3.0"]
    root = fromstring((samples_dir / "_structure" / name).read_bytes(), forbid_dtd=True)
    dimensions = root.iter(f"{{{structure}}}Dimension")
    found = {d.get("id"): d.find(f".//{{{structure}}}Enumeration").text for d in dimensions}
    assert "indic_is" in found and "geo" in found
    for dimension, urn in found.items():
        assert urn.startswith(f"urn:sdmx:org.sdmx.infomodel.codelist.Codelist=ESTAT:{codelist_id(dimension)}(")
