"""Small built-in word lists the rules need: countries with capitals and demonyms, roles, aliases.

Kept short and explicit: they resolve what the statistical NER leaves open (which country "Baku" or
"Azerbaijani" points to, that "State Secretary" and "Secretary of State" are one role).
"""

from __future__ import annotations

# country | capital | demonyms (comma separated). Capitals are what metonymy uses ("Baku has reiterated").
_COUNTRIES = """
Afghanistan|Kabul|Afghan
Albania|Tirana|Albanian
Algeria|Algiers|Algerian
Argentina|Buenos Aires|Argentine,Argentinian
Armenia|Yerevan|Armenian
Australia|Canberra|Australian
Austria|Vienna|Austrian
Azerbaijan|Baku|Azerbaijani,Azeri
Bangladesh|Dhaka|Bangladeshi
Belarus|Minsk|Belarusian
Belgium|Brussels|Belgian
Bolivia|La Paz|Bolivian
Bosnia and Herzegovina|Sarajevo|Bosnian
Brazil|Brasilia|Brazilian
Bulgaria|Sofia|Bulgarian
Cambodia|Phnom Penh|Cambodian
Canada|Ottawa|Canadian
Chile|Santiago|Chilean
China|Beijing|Chinese
Colombia|Bogota|Colombian
Croatia|Zagreb|Croatian
Cuba|Havana|Cuban
Cyprus|Nicosia|Cypriot
Czech Republic|Prague|Czech
Denmark|Copenhagen|Danish
Egypt|Cairo|Egyptian
Estonia|Tallinn|Estonian
Ethiopia|Addis Ababa|Ethiopian
Finland|Helsinki|Finnish
France|Paris|French
Georgia|Tbilisi|Georgian
Germany|Berlin|German
Greece|Athens|Greek
Haiti|Port-au-Prince|Haitian
Hungary|Budapest|Hungarian
India|New Delhi|Indian
Indonesia|Jakarta|Indonesian
Iran|Tehran|Iranian
Iraq|Baghdad|Iraqi
Ireland|Dublin|Irish
Israel|Jerusalem|Israeli
Italy|Rome|Italian
Japan|Tokyo|Japanese
Jordan|Amman|Jordanian
Kazakhstan|Astana|Kazakh
Kenya|Nairobi|Kenyan
Kosovo|Pristina|Kosovar
Latvia|Riga|Latvian
Lebanon|Beirut|Lebanese
Libya|Tripoli|Libyan
Lithuania|Vilnius|Lithuanian
Mexico|Mexico City|Mexican
Moldova|Chisinau|Moldovan
Morocco|Rabat|Moroccan
Netherlands|Amsterdam|Dutch
New Zealand|Wellington|New Zealander
Nigeria|Abuja|Nigerian
North Korea|Pyongyang|North Korean
Norway|Oslo|Norwegian
Pakistan|Islamabad|Pakistani
Palestine|Ramallah|Palestinian
Peru|Lima|Peruvian
Philippines|Manila|Filipino
Poland|Warsaw|Polish
Portugal|Lisbon|Portuguese
Qatar|Doha|Qatari
Romania|Bucharest|Romanian
Russia|Moscow|Russian
Saudi Arabia|Riyadh|Saudi
Serbia|Belgrade|Serbian
Slovakia|Bratislava|Slovak
Slovenia|Ljubljana|Slovenian
Somalia|Mogadishu|Somali
South Africa|Pretoria|South African
South Korea|Seoul|South Korean
Spain|Madrid|Spanish
Sudan|Khartoum|Sudanese
Sweden|Stockholm|Swedish
Switzerland|Bern|Swiss
Syria|Damascus|Syrian
Taiwan|Taipei|Taiwanese
Thailand|Bangkok|Thai
Tunisia|Tunis|Tunisian
Turkey|Ankara|Turkish,Turk
Ukraine|Kyiv|Ukrainian
United Arab Emirates|Abu Dhabi|Emirati
United Kingdom|London|British
United States|Washington|American
Venezuela|Caracas|Venezuelan
Vietnam|Hanoi|Vietnamese
Yemen|Sanaa|Yemeni
"""

COUNTRIES: dict[str, dict[str, object]] = {}
CAPITAL_OF: dict[str, str] = {}
DEMONYM_OF: dict[str, str] = {}
for _line in _COUNTRIES.strip().splitlines():
    _country, _capital, _demonyms = _line.split("|")
    COUNTRIES[_country] = {"capital": _capital, "demonyms": _demonyms.split(",")}
    CAPITAL_OF[_capital] = _country
    for _d in _demonyms.split(","):
        DEMONYM_OF[_d] = _country
# Seats of government used the same way as capitals.
CAPITAL_OF.update({"Kremlin": "Russia", "White House": "United States", "Downing Street": "United Kingdom"})

# Other names for one entity: the key is what a text may say, the value the canonical name.
ALIASES = {
    "U.S.": "United States",
    "US": "United States",
    "U.S": "United States",
    "USA": "United States",
    "U.S.A.": "United States",
    "America": "United States",
    "United States of America": "United States",
    "UK": "United Kingdom",
    "U.K.": "United Kingdom",
    "Britain": "United Kingdom",
    "Great Britain": "United Kingdom",
    "EU": "European Union",
    "E.U.": "European Union",
    "UN": "United Nations",
    "U.N.": "United Nations",
    "NATO": "NATO",
    "World Health Organisation": "World Health Organization",
    "Karabakh": "Nagorno-Karabakh",
    "Nagorno Karabakh": "Nagorno-Karabakh",
    "State Department": "U.S. State Department",
    "US State Department": "U.S. State Department",
    "U.S. State Department": "U.S. State Department",
    "the State Department": "U.S. State Department",
}
# One-word organisations news names past the lead, where the model does not read ("said on Twitter",
# "USAID Director ..."): matched exactly, capitalised as written, like the countries.
KNOWN_ORGS = ("Twitter", "Facebook", "Instagram", "YouTube", "TikTok", "WhatsApp", "USAID")
ALIASES.update({name: name for name in KNOWN_ORGS})
ALIAS_KIND = {"United States": "place", "United Kingdom": "place", "European Union": "org", "United Nations": "org",
              "NATO": "org", "Nagorno-Karabakh": "place", "U.S. State Department": "org",
              **{name: "org" for name in KNOWN_ORGS}}

# Role words. A role phrase is a run of these (with country words) right before a person's name.
ROLE_HEADS = {
    "president", "vice-president", "minister", "secretary", "spokesman", "spokeswoman", "spokesperson",
    "director", "chief", "chairman", "chairwoman", "chair", "head", "leader", "ambassador", "envoy",
    "governor", "mayor", "senator", "representative", "rep.", "sen.", "gov.", "general", "gen.", "commander",
    "king", "queen", "prince", "pope", "premier", "chancellor", "coach", "ceo", "officer", "official",
    "adviser", "advisor", "prosecutor", "judge", "justice", "attorney", "lawyer", "analyst", "professor",
    "dr.", "mr.", "mrs.", "ms.", "sheriff", "captain", "lieutenant", "colonel", "sergeant", "actor", "actress",
    "singer", "rapper", "manager", "founder", "executive", "lawmaker", "diplomat", "commissioner",
    "monsignor", "archbishop", "bishop", "cardinal", "reverend", "rev.", "referee", "comedian", "host",
}
ROLE_WORDS = ROLE_HEADS | {
    "prime", "foreign", "defense", "defence", "interior", "finance", "deputy", "state", "of", "the", "general",
    "former", "acting", "assistant", "national", "security", "policy", "affairs", "department", "house",
    "white", "senior", "top", "first", "lady", "supreme", "federal", "economy", "health", "justice", "press",
    "executive", "vice", "special", "for", "and", "u.s.", "us", "eu", "un", "nato", "usaid", "foreign-policy",
    "high", "army", "military", "majority", "minority", "party", "opposition", "head", "coach", "news", "agency",
    "united", "states", "kingdom", "nations",
}
# Same role said two ways.
ROLE_CANON = {"state secretary": "secretary of state"}

ORG_WORDS = {
    "department", "ministry", "union", "council", "committee", "commission", "agency", "watch", "bank",
    "organization", "organisation", "association", "party", "court", "army", "forces", "university", "institute",
    "corporation", "corp", "corp.", "inc", "inc.", "ltd", "company", "group", "office", "parliament", "congress",
    "senate", "assembly", "service", "services", "police", "federation", "foundation", "fund", "nations",
    "news", "times", "post", "reuters", "press", "network", "club", "team", "administration", "government",
    "command", "guard", "school", "college", "hospital", "center", "centre", "authority", "board", "bureau",
    "magistrates", "recovery", "clinic", "airlines", "airways", "motors", "pictures", "records", "studios",
}
PLACE_WORDS = {"corridor", "region", "district", "province", "city", "county", "state", "island", "islands",
               "river", "mountains", "sea", "ocean", "valley", "road", "street", "airport", "border", "republic",
               "beach", "avenue", "square", "park", "bay", "hills", "heights", "palace", "cathedral", "stadium"}

SPEECH_VERBS = {
    "said", "says", "say", "added", "adds", "told", "tells", "stated", "states", "noted", "notes", "wrote",
    "writes", "tweeted", "warned", "warns", "urged", "urges", "stressed", "stresses", "explained", "explains",
    "insisted", "insists", "claimed", "claims", "argued", "argues", "announced", "announces", "declared",
    "declares", "asserted", "emphasized", "emphasised", "underscored", "reiterated", "confirmed", "denied",
    "acknowledged", "admitted", "replied", "responded", "commented", "remarked", "voiced", "called", "asked",
    "reported", "reports", "cautioned", "suggested", "predicted", "promised", "vowed", "pledged", "spoke",
}
