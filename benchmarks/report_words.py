"""Words for the benchmark generator (``generate.py``): what its reports name and say.

Every list here was written for this project. Lists of names (places, bodies, goods...)
fill the slots of the sentence templates in ``report_text.py``; ``POOLS`` are small sets of
interchangeable words (a slot each), ``PARAPHRASE`` the stand-ins of the templates' own
words. Multi-word entries carry ``{a|b}`` choices too: they are filled like templates.
"""

from __future__ import annotations

from event_families import AGGREGATORS, CITERS, OUTLETS, PLACES

WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# places named in context paragraphs beside the incident's own (spellings of places.yaml)
OTHER_PLACES = (*(names[0] for names, _, _, _ in PLACES),
    "Wonsan", "Tanchon", "Kilju", "Nampo", "Kaesong", "Pyongyang", "Yonsa", "Anju", "Kusong",
    "Sunchon", "Tokchon", "Kanggye", "Hwasong county", "Unsan", "Kimhyongjik county")
REPOSTERS = (*AGGREGATORS, *CITERS, "Unification Watch Wire", "Asia Rights Roundup",
             "Tumen River Times", "Border Report Network")
SURNAMES = ("Kim", "Lee", "Park", "Choi", "Jeong", "Kang", "Cho", "Yoon", "Jang", "Lim", "Han",
            "Seo", "Shin", "Kwon", "Hwang", "Ahn", "Song", "Ryu", "Hong", "Jeon")
GIVEN = ("Ji-eun", "Min-ho", "Seul-gi", "Ha-yoon", "Dong-hyun", "Seo-yeon", "Jae-won", "Eun-ji",
         "Tae-hoon", "Su-bin", "Hye-jin", "Sung-min", "Yu-na", "Jun-seo", "Mi-rae", "Kyung-soo")

MEASURES = (("kilogram", "rice"), ("kilogram", "maize"), ("kilogram", "wheat flour"),
            ("kilogram", "pork"), ("litre", "soybean oil"), ("kilogram", "sugar"),
            ("kilogram", "potatoes"), ("litre", "diesel"), ("litre", "petrol"),
            ("pack", "Chinese cigarettes"), ("kilogram", "dried pollock"), ("kilogram", "salt"),
            ("box", "instant noodles"), ("kilogram", "bean paste"), ("tray", "eggs"),
            ("kilogram", "chilli powder"), ("bundle", "firewood"), ("sack", "coal briquettes"),
            ("kilogram", "soybeans"), ("kilogram", "beef"), ("bottle", "cooking oil"),
            ("kilogram", "dried squid"), ("head", "cabbage"), ("kilogram", "apples"))
GOODS = ("Chinese-made clothes", "used mobile phones", "solar panels", "car batteries",
         "cough medicine", "cosmetics", "bicycle parts", "frozen seafood", "copper wire",
         "herbal remedies", "rice cookers", "running shoes", "chemical fertiliser",
         "plastic sheeting", "bottled cooking gas", "school uniforms", "LED bulbs",
         "second-hand televisions", "winter coats", "antibiotics", "sewing thread",
         "motorbike tyres", "tinned meat", "detergent", "electric fans", "notebooks",
         "phone chargers", "rubber boots", "hair dye", "painkillers")
MARKETS = ("the {central|main|biggest} market", "the {station-front|station} market",
           "the {riverside|river} market", "the {farmers'|farm} market",
           "the {main|old|new} jangmadang", "the {eastern|western|southern|northern} market",
           "the {district|local} market", "the {night|evening} market {by|near} the {bus "
           "terminal|railway station|bridge}", "the {wholesale|bulk} market")
BODIES = ("the {city|county|provincial} party committee", "the {city|county|district} "
          "people's committee", "the {local|district|city} security station",
          "the {provincial|city|county} prosecutor's office", "the {provincial|city|county} "
          "security department", "the Socialist Patriotic Youth League", "the women's union",
          "the {provincial|city|people's} court", "the {market|city} management office",
          "the {anti-socialist|joint} inspection group", "the {neighbourhood|factory|local} "
          "party cell", "Group {109|82|627}", "the {city|provincial} labour department",
          "the {local|district} military mobilisation office")
CENTRAL = ("the Central Committee {of the Workers' Party|}", "the Ministry of State Security",
           "the {Central Public|Supreme} Prosecutors Office", "the {Central|Supreme} Court",
           "the Ministry of Social Security", "the Organisation and Guidance Department",
           "the party's {Propaganda|Propaganda and Agitation} Department", "the Cabinet",
           "the {party centre|party's central military commission}")
UNITS = (("neighbourhood watch unit", "neighbourhood watch units"), ("inminban", "inminban"),
         ("enterprise", "enterprises"), ("cooperative farm", "cooperative farms"),
         ("work team", "work teams"), ("middle school", "middle schools"),
         ("factory", "factories"), ("street office", "street offices"),
         ("trading company", "trading companies"), ("brigade", "brigades"),
         ("workshop", "workshops"), ("housing block", "housing blocks"))
OFFENCES = ("watching South Korean {dramas|films|shows}", "using {a Chinese|an illegal|a "
            "smuggled} phone", "crossing the border {without a permit|illegally|at night}",
            "selling {goods|food|clothes} outside the market", "hiding foreign {currency|cash}",
            "listening to foreign {radio|broadcasts}", "speaking with a Seoul accent",
            "keeping religious books", "running an unlicensed {bus|taxi|ferry} service",
            "brewing liquor at home", "renting out state housing", "skipping {mobilisation|"
            "farm|construction} work", "sending money to China", "dealing in methamphetamine",
            "wearing foreign fashions", "copying films onto memory cards", "selling state "
            "grain privately", "trading in gold", "cutting trees without permission")
OFFENCE_NOUNS = ("smuggling", "illegal calls", "unauthorised trading", "absence from work",
                 "drug use", "contact with the South", "religious activity",
                 "unlicensed trading", "illegal border crossings", "film copying",
                 "black-market currency dealing", "bribery", "private farming", "gambling")
ITEMS = ("USB sticks", "SD cards", "Chinese SIM cards", "foreign films", "South Korean songs",
         "Bibles", "US dollars", "Chinese yuan", "radios {tuned to|set to} foreign stations",
         "photographs of relatives {in the South|abroad}", "drugs", "smuggled handsets",
         "{South Korean|foreign} magazines", "notebooks with {foreign|South Korean} words",
         "Chinese {tablets|laptops}")
LAWS = ("the Reactionary Ideology and Culture Rejection Act",
        "the Pyongyang Cultural Language Protection Act", "the Youth Education Guarantee Act",
        "the law on anti-socialist practices", "the {new|revised} border security "
        "regulations", "the criminal code's article on {illegal border crossing|smuggling}",
        "an emergency {party|state} decree", "the {{year}|revised} criminal code")
MEETINGS = ("people's meeting", "lecture", "public criticism session", "study session",
            "inminban meeting", "party cell meeting", "ideological struggle session",
            "residents' assembly", "workers' rally", "self-criticism meeting", "mass rally")
VENUES = ("cultural hall", "enterprise hall", "school auditorium", "city stadium",
          "district office", "railway station square", "party committee building", "cinema",
          "sports ground", "community centre", "factory yard")
ENTERPRISES = ("textile mill", "copper mine", "steel works", "foodstuffs factory",
               "railway depot", "power station", "shoe factory", "timber mill",
               "machine works", "fish processing plant", "paper mill", "fertiliser plant",
               "cement factory", "coal mine", "brick works", "tobacco factory")
CAMPS = ("kyohwaso", "labour training camp", "political prison camp", "holding centre",
         "re-education camp", "labour training unit", "prison camp", "labour camp")
FACILITIES = ("security department's holding cells", "police holding centre",
              "collection centre", "pre-trial detention centre", "labour training camp",
              "interrogation facility", "{provincial|city} jail", "detention centre")
NGOS = ("human rights group", "documentation centre", "defectors' association",
        "legal aid group", "research institute", "transitional justice group",
        "advocacy group", "religious freedom group", "think tank", "refugee charity")
DOCS = ("annual report", "white paper", "database update", "submission to the United Nations",
        "briefing paper", "survey of defectors", "{quarterly|yearly} bulletin", "study")
RELATIONS = ("wife", "husband", "mother", "father", "brother", "sister", "son", "daughter",
             "uncle", "cousin", "son-in-law", "sister-in-law", "aunt", "nephew", "niece",
             "grandmother")
CROPS = ("maize", "potatoes", "rice", "soybeans", "barley", "wheat", "millet", "beans")
LABOUR = ("weeding", "rice planting", "harvesting", "road repair", "building work",
          "tree planting", "flood repair", "dam building", "maize sowing")
MATERIALS = ("scrap metal", "rabbit skins", "waste paper", "manure", "firewood", "gravel",
             "used tyres", "glass bottles", "human waste", "dried grass")
SEASONS = ("winter", "summer", "rainy season", "harvest season", "spring", "autumn")
VIOLATIONS = ("arbitrary detention", "public executions", "torture in custody",
              "forced repatriation", "forced labour", "banishment of families",
              "shootings at the border", "detention without trial", "deaths in custody",
              "sexual violence in detention")
SYLLABLES = ("Song", "Bong", "Yon", "Hye", "Myong", "Kang", "Ryon", "Pong", "Tae", "Sin",
             "Chon", "Ma", "San", "Wi", "Ho", "Nam", "Puk", "Hwa", "Ryong", "Sok", "Un", "Hung",
             "Chang", "Ok", "Kum", "Tong", "Hak", "Sam", "Phyong", "Ryu", "Jin", "Sung")
OPENERS = ("In {month},", "On {weekday},", "Last {season},", "Separately,", "Meanwhile,",
           "At the same time,", "In {year},", "Earlier,", "By {o}'s count,",
           "According to {src},", "This {season},", "Around the same time,",
           "Over the {season},", "As of {month},", "Since {month},", "For now,",
           "In {p} itself,", "Locally,", "By late {month},")
SOURCES = ("the source", "a local source", "a resident", "a trader in {the city|town|{town}}",
           "another source", "a resident {who {asked|preferred|wished} not to be {named|"
           "identified}|speaking anonymously|who gave no name}",
           "a {local|junior|retired} official", "the same source",
           "a contact in {p}", "one {local|townsman|woman there}", "a {person|woman|man} "
           "{in|from|near} the {area|town|district}", "a market trader", "a source there",
           "the resident", "a {worker|labourer|clerk} at the {enterprise}",
           "a {driver|railway worker|teacher} in {town}",
           "a {relative|friend|neighbour} of {one|a} {detainee|prisoner|suspect}")
# first words that stay capitalised after an opener
PROPER = frozenset(w for name in (*OTHER_PLACES, *OUTLETS, *REPOSTERS, "United Nations",
                                  "North Korea", "South Korea", "Chinese", "Seoul", "Pyongyang",
                                  "Group", "Christians", "Bibles", "US", "Socialist")
                   for w in name.split()[:1]) - {"The"}
PROPER_PREFIX = tuple(p.split("'")[0] for p in OTHER_PLACES)
# small word pools that make most 5-word windows differ between reports
POOLS: dict[str, tuple[str, ...]] = {
    "said": ("said", "told {o}", "added", "explained", "noted", "reported", "claimed",
             "stated", "recounted", "went on", "told {o} on {weekday}"),
    "about": ("about", "around", "roughly", "some", "nearly", "close to", "almost",
              "more than", "at least", "an estimated"),
    "since": ("since", "from", "after", "starting in", "beginning in", "as of"),
    "now": ("now", "currently", "these days", "at present", "lately", "by now"),
    "rose": ("rose", "climbed", "jumped", "went up", "increased", "grew", "surged", "shot up"),
    "fell": ("fell", "dropped", "declined", "slid", "shrank", "went down", "sank"),
    "officials": ("officials", "cadres", "officers", "inspectors", "functionaries",
                  "party officials", "local officials"),
    "residents": ("residents", "locals", "people", "households", "townspeople",
                  "inhabitants", "families", "neighbours"),
    "recently": ("recently", "in recent weeks", "this month", "lately",
                 "over the past weeks", "since the spring", "in the past fortnight"),
    "must": ("must", "have to", "are required to", "are obliged to", "are ordered to",
             "are told to", "now need to"),
    "held": ("held", "detained", "kept", "locked up", "confined", "imprisoned"),
    "warned": ("told", "warned", "informed", "instructed", "reminded", "cautioned"),
    "afraid": ("afraid", "frightened", "too scared", "nervous", "wary", "fearful",
               "anxious"),
    "ago": ("a week earlier", "ten days before", "a month ago", "in {month}",
            "at the start of {year}", "last {season}", "the previous {weekday}",
            "{days} days earlier", "before the {season}"),
    "checked": ("checked", "inspected", "searched", "examined", "went through"),
    "put": ("put up", "built", "added", "installed", "erected", "set up"),
}


# words of the templates and their stand-ins: each literal word is swapped half the time,
# so that two reports built from one template rarely share a 5-word run
PARAPHRASE: dict[str, tuple[str, ...]] = {
    "people": ("residents", "locals", "persons"), "sent": ("dispatched", "taken"),
    "reported": ("recorded", "documented", "noted"), "detainees": ("prisoners", "inmates"),
    "household": ("family", "home"), "households": ("families", "homes"),
    "check": ("inspect", "examine"), "checking": ("inspecting", "examining"),
    "checked": ("inspected", "examined"), "made": ("forced", "compelled"),
    "ordered": ("instructed", "directed", "told"), "recorded": ("logged", "noted",
    "registered"), "house": ("home", "dwelling"), "cases": ("incidents", "instances"),
    "case": ("matter", "affair"), "families": ("relatives",
    "households", "kin"), "flat": ("apartment",), "flats": ("apartments",),
    "details": ("particulars", "specifics"), "officials": ("cadres", "functionaries"),
    "arrests": ("detentions", "round-ups"), "sold": ("changed hands", "went"),
    "traders": ("merchants", "dealers", "sellers"), "trader": ("merchant", "dealer",
    "seller"), "selling": ("peddling", "offering"), "reduced": ("cut", "lowered"),
    "permits": ("licences", "passes"), "takings": ("earnings", "income", "sales"),
    "nearly": ("almost", "close to"), "price": ("cost", "going rate"), "prices": ("costs",
    "going rates"), "percent": ("per cent",), "fees": ("dues", "levies"), "teams": ("squads",
    "units"), "searching": ("hunting", "looking"), "places": ("locations", "sites", "spots"),
    "search": ("comb", "go through"), "kilometres": ("km", "kilometers"),
    "permit": ("pass", "licence"), "street": ("road", "lane"), "streets": ("roads", "lanes",
    "alleys"), "delivered": ("brought", "carried"),
    "directive": ("instruction", "order"), "area": ("district", "neighbourhood", "locality"),
    "later": ("afterwards", "subsequently"), "afterwards": ("later", "then"),
    "relatives": ("family members", "kin", "families"),
    "arrested": ("detained", "picked up"),
    "new": ("fresh", "additional", "extra"),
    "fences": ("barriers", "fencing"), "border": ("frontier", "boundary"),
    "frontier": ("border",), "orders": ("instructions", "commands"), "former": ("one-time",
    "ex-"), "campaign": ("drive", "push", "crackdown"), "drive": ("campaign", "push"),
    "sites": ("places", "locations"), "facilities": ("sites", "centres"),
    "response": ("answer", "reply"), "country": ("nation",), "interviewed": ("spoke with",
    "talked to", "questioned"), "kilograms": ("kg", "kilos"), "sources": ("contacts",
    "informants"), "contacts": ("sources", "informants"), "events": ("incidents",
    "developments"), "dollar": ("US currency",),
    "stopped": ("halted", "blocked"), "lorries": ("trucks",), "trucks": ("lorries",),
    "money": ("cash", "funds"), "bribes": ("kickbacks", "payments"), "sums": ("amounts",),
    "hoping": ("trying",), "released": ("freed", "let go"), "broker": ("fixer",
    "middleman"), "brokers": ("fixers", "middlemen"), "smugglers": ("runners", "couriers"),
    "soldiers": ("troops", "guards"), "replaced": ("relieved",), "inspect": ("examine",
    "check"), "estimate": ("guess", "believe"), "installed": ("fitted", "mounted"),
    "cameras": ("surveillance cameras", "CCTV"), "calls": ("phone calls", "conversations"),
    "similar": ("comparable", "related"), "known": ("recorded", "confirmed"),
    "counted": ("tallied", "recorded"), "neighbours": ("people next door", "those nearby"),
    "again": ("once more", "a second time"), "crackdown": ("clampdown", "campaign"),
    "based": ("headquartered",), "collected": ("gathered", "compiled"),
    "testimonies": ("accounts", "statements"), "accounts": ("testimonies", "reports"),
    "prisoners": ("inmates", "detainees"), "asked": ("urged", "requested"),
    "camps": ("facilities", "compounds"), "prisons": ("jails",), "common": ("widespread",
    "usual", "ordinary"), "routine": ("normal", "regular"), "electricity": ("power",),
    "received": ("got", "obtained"), "distribution": ("handout", "allocation"),
    "students": ("pupils",), "farms": ("fields", "cooperatives"), "fields": ("farms",),
    "city": ("town",), "town": ("city",), "deliver": ("hand in", "supply"),
    "quota": ("target", "norm"), "confirmed": ("verified", "corroborated"),
    "verified": ("confirmed", "corroborated"), "withheld": ("held back", "omitted"),
    "protect": ("shield", "safeguard"), "searched": ("combed", "ransacked"),
    "allowed": ("permitted",), "forced": ("made", "compelled"), "afraid": ("scared",),
    "nobody": ("no one",), "everyone": ("everybody",), "almost": ("nearly",),
    "pressure": ("strain",), "targets": ("victims", "scapegoats"), "hear": ("learn",),
    "sentenced": ("condemned",), "warned": ("cautioned",), "punished": ("penalised",
    "sanctioned"), "lectures": ("talks", "sessions"), "meetings": ("gatherings",
    "sessions"), "workers": ("employees", "labourers"), "schools": ("classrooms",),
    "offices": ("bureaus",), "summoned": ("called in", "hauled in"), "only": ("just", "merely"),
    "just": ("only",), "inside": ("indoors",),
    "barely": ("hardly", "scarcely"), "demand": ("insist on", "want"), "fled": ("escaped",),
    "escaped": ("fled",), "mapped": ("charted", "catalogued"), "listed": ("named",
    "catalogued"), "published": ("released", "issued"), "weeks": ("weeks",),
    "found": ("discovered", "caught"), "caught": ("found", "discovered"),
}
