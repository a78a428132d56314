"""Geography: the 27 EU member states (ranking universe) and Eurostat's EU aggregate."""

# Greece is EL in Eurostat, not GR.
EU27: frozenset[str] = frozenset(
    "AT BE BG CY CZ DE DK EE EL ES FI FR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK".split()
)
EU27_AGGREGATE = "EU27_2020"
