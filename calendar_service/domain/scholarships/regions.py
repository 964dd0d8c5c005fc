"""Where an applicant comes from: UN M49 regions and a Global South flag, pure.

Decisions:
- Regions follow UN M49 (the UN Statistics Division's standard country or
  area codes): `un_region` is one of Africa, Americas, Asia, Europe,
  Oceania; `subregion` is the M49 sub-region ("Sub-Saharan Africa", "Latin
  America and the Caribbean", "Western Europe"); `intermediate_region` is
  the finer M49 grouping where one exists ("Western Africa", "South
  America", "Caribbean"), else None.
- `global_south` is M49's "Developing" grouping, as UNSD last published it
  (snapshot: datasets/country-codes, October 2020, the last version with that
  column; UNSD has since stopped publishing the distinction). "Developed"
  there means all of Europe, Northern America (including Bermuda, Greenland,
  Saint Pierre and Miquelon), Australia, New Zealand and their territories,
  Japan, Israel and Cyprus; everything else is Global South. So the Republic
  of Korea, Singapore and the Gulf states count as South, as in UNCTAD's
  "developing economies". A program that wants another split can set
  targets on M49 regions instead.
- Not in M49: Taiwan is placed in Eastern Asia and the South (as UNCTAD
  does); Antarctica (AQ) gets the pseudo-region "Antarctica" and North.
- The table covers all 249 ISO 3166-1 alpha-2 codes and nothing else:
  "UK" and "XK" are refused with a hint, since both are common mistakes.
- Region labels (`region_labels`) let a target or a ranking slice name any
  level: "Africa", "Sub-Saharan Africa", "Western Africa", "south", "north".
"""

from dataclasses import dataclass

from calendar_service.errors import InvalidInput

UN_REGIONS = ("Africa", "Americas", "Asia", "Europe", "Oceania")
SOUTH, NORTH = "south", "north"

# (M49 region, sub-region, intermediate region, ISO 3166-1 alpha-2 codes)
_M49: tuple[tuple[str, str, str | None, str], ...] = (
    ("Africa", "Northern Africa", None, "DZ EG EH LY MA SD TN"),
    (
        "Africa",
        "Sub-Saharan Africa",
        "Eastern Africa",
        "BI DJ ER ET IO KE KM MG MU MW MZ RE RW SC SO SS TF TZ UG YT ZM ZW",
    ),
    ("Africa", "Sub-Saharan Africa", "Middle Africa", "AO CD CF CG CM GA GQ ST TD"),
    ("Africa", "Sub-Saharan Africa", "Southern Africa", "BW LS NA SZ ZA"),
    ("Africa", "Sub-Saharan Africa", "Western Africa", "BF BJ CI CV GH GM GN GW LR ML MR NE NG SH SL SN TG"),
    (
        "Americas",
        "Latin America and the Caribbean",
        "Caribbean",
        "AG AI AW BB BL BQ BS CU CW DM DO GD GP HT JM KN KY LC MF MQ MS PR SX TC TT VC VG VI",
    ),
    ("Americas", "Latin America and the Caribbean", "Central America", "BZ CR GT HN MX NI PA SV"),
    ("Americas", "Latin America and the Caribbean", "South America", "AR BO BR BV CL CO EC FK GF GS GY PE PY SR UY VE"),
    ("Americas", "Northern America", None, "BM CA GL PM US"),
    ("Antarctica", "Antarctica", None, "AQ"),
    ("Asia", "Central Asia", None, "KG KZ TJ TM UZ"),
    ("Asia", "Eastern Asia", None, "CN HK JP KP KR MN MO TW"),
    ("Asia", "South-eastern Asia", None, "BN ID KH LA MM MY PH SG TH TL VN"),
    ("Asia", "Southern Asia", None, "AF BD BT IN IR LK MV NP PK"),
    ("Asia", "Western Asia", None, "AE AM AZ BH CY GE IL IQ JO KW LB OM PS QA SA SY TR YE"),
    ("Europe", "Eastern Europe", None, "BG BY CZ HU MD PL RO RU SK UA"),
    ("Europe", "Northern Europe", None, "AX DK EE FI FO GB IE IM IS LT LV NO SE SJ"),
    ("Europe", "Northern Europe", "Channel Islands", "GG JE"),
    ("Europe", "Southern Europe", None, "AD AL BA ES GI GR HR IT ME MK MT PT RS SI SM VA"),
    ("Europe", "Western Europe", None, "AT BE CH DE FR LI LU MC NL"),
    ("Oceania", "Australia and New Zealand", None, "AU CC CX HM NF NZ"),
    ("Oceania", "Melanesia", None, "FJ NC PG SB VU"),
    ("Oceania", "Micronesia", None, "FM GU KI MH MP NR PW UM"),
    ("Oceania", "Polynesia", None, "AS CK NU PF PN TK TO TV WF WS"),
)
# M49 "Developed" outside Europe (all of Europe is Developed).
_DEVELOPED_SUBREGIONS = frozenset({"Northern America", "Australia and New Zealand", "Antarctica"})
_DEVELOPED_COUNTRIES = frozenset({"CY", "IL", "JP"})
_HINTS = {"UK": "use GB for the United Kingdom", "XK": "Kosovo has no ISO 3166-1 code; use RS or ask staff"}


@dataclass(frozen=True, slots=True)
class Region:
    """An ISO 3166-1 country or area placed in UN M49 and the North/South split."""

    country: str
    un_region: str
    subregion: str
    intermediate_region: str | None
    global_south: bool

    @property
    def hemisphere(self) -> str:
        """The North/South label (`SOUTH` or `NORTH`) that rankings and targets use."""
        return SOUTH if self.global_south else NORTH

    @property
    def labels(self) -> frozenset[str]:
        """Every label this country counts towards: region, sub-region, intermediate region, south/north."""
        names = {self.un_region, self.subregion, self.hemisphere}
        if self.intermediate_region:
            names.add(self.intermediate_region)
        return frozenset(names)


def _build() -> dict[str, Region]:
    table: dict[str, Region] = {}
    for un_region, subregion, intermediate, codes in _M49:
        for code in codes.split():
            developed = un_region == "Europe" or subregion in _DEVELOPED_SUBREGIONS or code in _DEVELOPED_COUNTRIES
            table[code] = Region(code, un_region, subregion, intermediate, global_south=not developed)
    return table


REGIONS: dict[str, Region] = _build()
REGION_LABELS: tuple[str, ...] = tuple(
    sorted({label for region in REGIONS.values() if region.un_region in UN_REGIONS for label in region.labels})
)


def region_of(country: object, field: str = "country") -> Region:
    """The region of an ISO 3166-1 alpha-2 code (case-insensitive); unknown codes are refused."""
    if not isinstance(country, str) or not country.strip():
        raise InvalidInput(f"{field}: give a two-letter ISO 3166-1 country code such as KE, BR or DE", field)
    code = country.strip().upper()
    region = REGIONS.get(code)
    if region is None:
        hint = _HINTS.get(code, "use a two-letter ISO 3166-1 code such as KE, BR or DE")
        raise InvalidInput(f"{field}: '{country}' is not an ISO 3166-1 country code; {hint}", field)
    return region


def canonical_label(raw: object, field: str = "region") -> str:
    """A region label as written in `REGION_LABELS`, matched case-insensitively; others are refused."""
    if isinstance(raw, str):
        wanted = raw.strip().casefold()
        for label in REGION_LABELS:
            if label.casefold() == wanted:
                return label
    choices = ", ".join((*UN_REGIONS, SOUTH, NORTH))
    raise InvalidInput(
        f"{field}: '{raw}' is not a region; use one of {choices}, or an M49 sub-region such as 'Western Africa'",
        field,
    )
