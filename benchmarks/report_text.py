"""Sentence templates of the benchmark generator and the ``Filler`` that writes them.

A template holds slots (``{p}`` the place, ``{won}`` a price, ``{src}`` a source...; a
capitalised slot is capitalised) and choices (``{a|b|c}``), which may nest slots. Before
filling, words of the template that have stand-ins (``report_words.PARAPHRASE``) are
swapped three times in four. Choices every few words make two reports built from the same
templates share few 5-word shingles, so unrelated generated reports look unrelated to story
clustering, as real ones do (``story_families.py`` prints how many LSH candidates they make).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from random import Random

from event_families import AGENCIES, MONTHS, OUTLETS, PLACES, WORDS, cap
from report_words import (
    BODIES,
    CAMPS,
    CENTRAL,
    CROPS,
    DOCS,
    ENTERPRISES,
    FACILITIES,
    GOODS,
    ITEMS,
    LABOUR,
    LAWS,
    MARKETS,
    MATERIALS,
    MEASURES,
    MEETINGS,
    NGOS,
    OFFENCE_NOUNS,
    OFFENCES,
    OPENERS,
    OTHER_PLACES,
    PARAPHRASE,
    POOLS,
    PROPER,
    PROPER_PREFIX,
    RELATIONS,
    SEASONS,
    SOURCES,
    SYLLABLES,
    UNITS,
    VENUES,
    VIOLATIONS,
    WEEKDAYS,
)

# context paragraphs: a topic's sentences, {slot}s and {choice|choice} every few words
TOPICS: dict[str, tuple[str, ...]] = {
    "market": (
        "{At|In} {market} {in|of} {p}, {measure} {sold|went|traded} for {won} won on "
        "{weekday}, {against|compared with|up from|down from} {won} won {ago}.",
        "{Traders|Vendors|Market women|Money changers} in {p} {said|say|reported} the "
        "{dollar|US dollar|greenback} {reached|hit|traded at|stood at} {fx} won {this week|"
        "on {weekday}|in {month}|{recently}}, {and|while} the yuan {fetched|was at|reached} "
        "{cny} won.",
        "{Stalls|Stands|Pitches|Counters} {selling|offering|for} {goods} at {market} {were "
        "cut|have been reduced|{fell}} from {n} to {n} {since} {month}, {while|as|when} "
        "{body} {checks|began checking|started inspecting} {permits|licences|papers} {every|"
        "each} {weekday}.",
        "{One|A|Another} {vendor|trader|seller} {who sells|selling|dealing in} {goods} {in|"
        "at} {p} {said|{said} that} {daily|her daily|the day's} takings {had fallen|were "
        "down|had dropped} to {about} {won} won, {less than|under|not even} {half|a third|"
        "a quarter} of {the|her} {year} {level|figure|takings}.",
        "{Prices|The price|The cost} of {goods} {brought in|imported|trucked in} {through|"
        "via|from} {p2} {rose} {by|about|nearly} {pct} percent {in|within|over} {days} days "
        "{after|once|when} customs {held back|stopped|turned away} {n} {lorries|trucks}.",
        "{Women|Traders|Sellers} {at|in} {market} {must} pay {won} won {in|as} {fees|stall "
        "fees|market charges|dues} {each|every|per} {week|fortnight|month} to {the "
        "management office|{body}}, {src} {said}.",
        "In {the|this} {season}, {market} in {p} {opens|trades|stays open} {only|just} "
        "{from|between} {six|seven|eight|nine|ten} {and|to|until} {three|four|five|six} "
        "{o'clock|in the afternoon|in the evening}, {src} {said}.",
        "{Demand|Appetite} for {goods} {in|around} {p} {has grown|{rose}|picked up} {since} "
        "{month}, {with|and} {buyers|customers|wholesalers} {paying|offering} {yuan} yuan "
        "{a box|a crate|per load|a batch} to {smugglers|middlemen|brokers} {from|in} {p2}."),
    "control": (
        "{Since} {month}, {body} {has sent|sent|has dispatched} {inspection teams|inspectors|"
        "patrols|squads} to {n} {units} {in|across|around} {p}, {checking|searching for|"
        "looking for} {items} {and|as well as|along with} {household registers|travel "
        "papers|permits}.",
        "{Checkpoints|Road blocks|Guard posts} {have been set up|were {put}|{now} stand} at "
        "{n} {points|places|spots} on the {road|highway|route} {from|between} {p} {to|and} "
        "{p2}, where {agency} {search|go through|check} {bags|luggage|parcels} for {items}.",
        "{Anyone|Residents|People} {travelling|going} {more than|over|beyond} {km} "
        "{kilometres|km} {from|outside} {p} {must} {carry|show} {a travel permit|papers} "
        "{stamped|signed|approved} by {body}, {src} {said}.",
        "{Officers|Agents|Inspectors} {from|of} {agency} {have been|were seen|are} {going "
        "through|checking|seizing} phones {at random|on the street|at the station|at the bus "
        "stop} in {p}, {looking for|searching for|hunting} {items}.",
        "The head of {a|one} {unit} in {p} {was dismissed|lost the post|was removed|was "
        "sacked} in {month} {after|for} {failing to report|not reporting|hiding} {that|how} "
        "{n} households {had|kept} {items} {at home|in their flats}.",
        "{Inspectors|{Officials}|Lecturers} {warned} {{residents}|the crowd} {that|} "
        "{anyone|those|people} {caught|found} {offence} {would be|will be} {punished|"
        "prosecuted|dealt with|tried} under {law}.",
        "The number {{held}|of detainees} at the {facility} in {p} has {doubled|{rose}|"
        "tripled} to {about} {n3}, {according to|by the account of|in the words of} {src}."),
    "meetings": (
        "At {a|one} {meeting} {held|called|organised} {at|in} the {venue} in {p} on "
        "{weekday}, {officials} {read out|read|delivered} a {directive|order|notice} from "
        "{central} {warning|saying|declaring} that {offence} {would be|is to be} {treated|"
        "punished} as {a political crime|treason|an anti-state act|a grave offence}.",
        "{Workers|Employees|Labourers|Staff} at the {enterprise} in {p} {were made to|had to|"
        "were ordered to} {attend|sit through} {n} {lectures|sessions|meetings} in {days} "
        "days on {the dangers of|the fight against|the evils of|the struggle against} "
        "{offence_noun}.",
        "During {the|that} {meeting}, {residents} {had to|were made to} {write|prepare} "
        "{self-criticisms|confessions|statements} {about|on} {offence_noun} and {read|recite} "
        "them {aloud|in front of everyone|to the room} {at|before} the {unit}.",
        "{Officials} {from|of} {body} {warned} a {meeting|gathering} of {unit} heads in {p} "
        "that {each|every one} of them {would answer|would be held responsible|would be "
        "punished} for {any|every case of} {offence_noun} in {their area|their district|"
        "their streets}.",
        "The {directive|order|notice}, {signed|issued|sent down} by {central}, was read {at|"
        "in} {n} {workplaces|enterprises|schools|offices} {in|across} {vp} in "
        "{month} {year}.",
        "{Attendance|Presence} at the {meeting} was {checked|taken|recorded} {name by name|"
        "by list|at the door}, and {n} {absentees|people who stayed away|{residents}} were "
        "{later|afterwards|then} {summoned|called in} {to|by} {body}."),
    "families": (
        "{A|The} {relation} of one of {the detainees|those {held}|the accused} {travelled|"
        "went|made the trip} {km} {kilometres|km} to {p2} to {ask|enquire} {about|after} "
        "the {case|detainee} and was {told to go home|turned away|sent back}.",
        "The families {have paid|paid|handed over} {bribes|money|sums} of up to {usd} US "
        "dollars to {officials} of {body}, {hoping|in the hope} to {have the charges "
        "reduced|soften the sentences|get them released}, {src} {said}.",
        "{Relatives|Families} {have not been told|do not know|were never told} where {the "
        "detainees|they} are {held}; one {family|household} {was told|heard} only that the "
        "case {had gone|was sent|had passed} to {body}.",
        "One household {sold|gave up|parted with} its {flat|house|motorbike|bicycle|"
        "television|sewing machine} for {bigwon} won {to pay|for} a {broker|go-between|"
        "middleman} who {promised|offered} to {find out|learn} {what had happened|where the "
        "{relation} was {held}}.",
        "{Neighbours|People nearby|Those next door} say a {relation} of one of those {taken|"
        "detained|arrested} {has not left|has barely left|has stayed inside} the house for "
        "{days} days.",
        "In {p}, {families|relatives} of {detainees|the accused} {must} {report|check in} "
        "to the {unit} head {every|each} {weekday}, {src} {said}."),
    "border": (
        "{Brokers|Go-betweens|Smugglers} in {p} {now} {ask|charge|demand} {yuan} yuan to "
        "{arrange|organise|set up} a crossing of the {river}, {two|three|five|ten} times the "
        "{price|rate|fee} {in|of} {year}.",
        "{Along|On} the {river} {near|outside|around} {p}, {new|fresh|more} {barbed wire|"
        "fences|electric fences} and {n} {guard posts|watchtowers|sentry boxes} {have been|"
        "were} {put} {since} {month} {year}.",
        "The {border guard|frontier} {brigade|regiment|unit} in {vp} was {replaced|"
        "rotated out|swapped} in {month}, and the {new|incoming} {unit|soldiers} {has "
        "orders|were told|were ordered} to {search|check|inspect} every {boat|raft|"
        "crossing} on the {river}.",
        "{Smuggling|Trade|Traffic} of {goods} {across|over} the {river} {has fallen|has "
        "dropped|fell|dropped} by "
        "{about} {pct} percent, {traders|merchants|dealers} in {p} {estimate|say|reckon}.",
        "{Sensors|Cameras|Motion detectors} {and|as well as} {floodlights|cameras|alarms} "
        "{have been|were} {installed|fitted} on a {km}-kilometre {stretch|section} of the "
        "{border|frontier|riverbank} {near|outside} {p2}.",
        "{Calls|Phone calls} to China from {p} are {now} {picked up|detected|traced} by "
        "{detection vans|radio trackers|monitoring teams} {within|in} {about} {minutes} "
        "minutes, {src} {said}."),
    "history": (
        "In {year}, {agency} in {p2} {detained|arrested|held} {n} people on {similar|the "
        "same|comparable} charges, {according to|as reported by} {o2} {at the time|that "
        "year|then}.",
        "The {last|most recent|previous} public execution {reported|known} in {p2} {took "
        "place|was held} in {month} {year}, when {nw} people were shot for {offence}.",
        "{Human rights groups|Researchers|Documentation groups} {counted|recorded|listed} at "
        "least {n3} cases of {violation} in {vp} between {year} and {year2}.",
        "A {woman|man|former trader|former soldier} from {p2} who {left|fled|escaped} in "
        "{year} {told|gave} a {ngo} {that|an account saying} {n} of {her|his} neighbours "
        "{had been|were} sent to a {camp}.",
        "{Similar|Comparable|Like} cases were {reported|recorded} in {p2} in {month} {year} "
        "and {again|once more} in {month} {year2}.",
        "{O2} reported in {year} that {n} {residents} of {p2} were sent to a {camp} {after|"
        "during} a {campaign|crackdown|drive} against {offence_noun}."),
    "work": (
        "{Staff|Workers|Hands} at the {enterprise} {near|outside|in} {town} {have not been "
        "paid|were not paid|went unpaid} {since} {month}, and {many|most|several} {now|"
        "instead} {spend|"
        "pass} {their days|the day|mornings} {trading|selling|bartering} {goods}.",
        "To {stay off|avoid|escape} {mobilisation|the labour roster|compulsory work}, "
        "{employees|workers} {pay|hand} their {managers|foremen|bosses} {about} {won} won "
        "{a month|each month|monthly}, {src} {said}.",
        "{Managers|Bosses|Directors} of the {enterprise} were {ordered|told|instructed} to "
        "{meet|reach|fulfil} a {quota|target|plan} of {n3} {tonnes|units|sets} by the end of "
        "{month}, {twice|three times|far more than} what it {produced|turned out} in {year}.",
        "{A|One} {foreman|shift leader|team chief} at the {enterprise} in {town} was {demoted|"
        "fined|suspended} in {month} {after|when} {n} {workers|labourers} {failed|did not "
        "manage} to {show up|report} for {labour}.",
        "{Wages|Pay} at the {enterprise} {amount|come} to {won} won {a month|monthly}, {less "
        "than|not even|barely} the {price|cost} of {measure} at {market}."),
    "health": (
        "{The|A} {hospital|clinic} in {town} had {no|almost no|too little} {medicine|"
        "antibiotics|painkillers} {left|in stock} by {month}, {so|and} {patients|families} "
        "{buy|bring|source} {their own|what they need|drugs} {from|at} {market}.",
        "{Doctors|Nurses|Medical staff} in {town} {ask|expect|demand} {about} {yuan} yuan "
        "{for|before} {an operation|surgery|a hospital bed}, {src} {said}.",
        "{Cases|Outbreaks} of {measles|typhoid|tuberculosis|hepatitis} were {reported|"
        "recorded|noted} in {n} {villages|districts|housing blocks} {around|near|outside} "
        "{town} {in|during} the {season}.",
        "{Patients|People} {held|kept} at the {facility} in {town} {are|were} {denied|refused|"
        "given no} {treatment|medical care|medicine}, {relatives|families} {told|informed} "
        "{o}."),
    "youth": (
        "{Pupils|Students|Teenagers} at {n} {middle schools|colleges|schools} in {town} had "
        "their {bags|phones|notebooks} {searched|{checked}} for {items} {in|during} "
        "{month}.",
        "{Parents|Families} {of|with} {pupils|students|teenagers} {caught|found} with {items} "
        "{in|at} {town} {were|have been} {fined|made to pay} {about} {won} won {each|a head|"
        "per child}.",
        "{The Socialist Patriotic Youth League|The youth league|League officials} in {town} "
        "{formed|set up|organised} {n} "
        "{squads|patrols|teams} {to|that} {stop|question|check} {young people|students} "
        "{wearing|with} {foreign fashions|dyed hair|tight jeans}.",
        "{Graduates|School leavers} from {town} were {assigned|sent|posted} to {mines|farms|"
        "building sites} in {vp} {in|this} {season}, {src} {said}."),
    "transport": (
        "{Trains|The railway|Train services} between {town} and {p2} {run|operate|go} {only|"
        "just} {two|three|four|five} times a {week|month}, {and|while} {the trip|a journey} "
        "{takes|can take} "
        "{up to|as long as} {hours} {hours|days}.",
        "{Private|Illegal|Unlicensed} {buses|taxis|lorries} from {town} to {p2} {charge|cost|"
        "ask} {won} won {a seat|per passenger|a ride}, {src} {said}.",
        "{Drivers|Car owners|Lorry drivers} {in|around} {town} {must|now need to} {pay|hand "
        "over} {yuan} yuan {a year|each quarter|every month} to {register|keep} their "
        "{vehicles|cars|lorries} with {body}.",
        "{Fuel|Diesel|Petrol} {shortages|scarcity} {have|had} {cut|halved|reduced} {traffic|"
        "transport|deliveries} {between|from} {town} {and|to} {p2} {since} {month}."),
    "housing": (
        "{A|One} {flat|house|home} in {town} {changed hands|sold} for {about} {usd} US "
        "dollars in {month}, {up|down} {pct} percent {from|on} {year}.",
        "{Families|Households} {evicted|moved out|cleared} {from|out of} {n} {housing blocks|"
        "streets|old houses} in {town} were {promised|offered|given} {new flats|rooms|"
        "nothing} {by|in} {year2}.",
        "{Construction|Building} of {n} {apartment blocks|houses|dormitories} in {town} "
        "{stalled|stopped|halted} {after|when} {cement|steel|timber} {ran out|ran short|"
        "stopped arriving} in {month}.",
        "{Heating|Coal} for the {winter|cold months} {costs|will cost} {households|families} "
        "in {town} {about} {won} won {a tonne|per tonne|per load}, {src} {said}."),
    "information": (
        "{Radio|Broadcasts|Programmes} from {Seoul|the South|abroad} {can be|are} {picked "
        "up|heard|received} {at night|after dark|late in the evening} in {parts|some "
        "districts|the hills} of {town}, {but|though} {jamming|interference} {has|had} "
        "{grown|increased|worsened} {since} {month}.",
        "A {memory card|USB stick|micro SD card} {holding|with|carrying} {n} {episodes|"
        "films|songs} {sells|goes|changes hands} for {about} {won} won {in|around} {town}, "
        "{src} {said}.",
        "{Technicians|Inspectors|Agents} from {body} {now|have begun to|regularly} {scan|"
        "inspect|examine} {phones|handsets|tablets} {for|looking for} {foreign|South Korean|"
        "banned} {words|files|apps}, {fining|punishing|detaining} {owners|users} {on the "
        "spot|at once|within days}."),
    "food": (
        "{Rice|Maize|Flour} {stocks|supplies|reserves} in {town} {ran low|were exhausted|ran "
        "short} {by|in|before} {month}, and {n} {households|families} {were|have been} "
        "{living|getting by} on {porridge|wild greens|one meal a day}.",
        "{Soldiers|Troops|Units} {stationed|based|posted} {near|outside|around} {town} "
        "{took|seized|collected} {n} {tonnes|sacks|truckloads} of {crop} from {cooperative "
        "farms|the harvest|farm stores} {in|during} the {season}.",
        "{Children|Orphans|Homeless children} {have been seen|were seen|are} {begging|"
        "sleeping|searching for food} {near|at|around} {market} {in|of} {town} {since} "
        "{month}, {src} {said}.",
        "The {state|official} {ration|food distribution} in {town} {was|has been} {cut|"
        "reduced|halved} to {n} {days|weeks} {a month|per quarter|a season} {since} "
        "{year}."),
    "military": (
        "{Conscripts|Young soldiers|Recruits} from {town} {serve|now serve|must serve} "
        "{about|up to|as long as} {seven|eight|ten|thirteen} years, and {families|parents} "
        "{pay|hand} {officers|commanders} {yuan} yuan {for|to secure} {better postings|a "
        "posting near home|lighter duty}.",
        "{A|One} {battalion|company|unit} {stationed|based} {near|outside} {town} {was "
        "sent|was moved|relocated} to {p2} in {month} for {building work|"
        "construction|border duty}.",
        "{Deserters|Soldiers who ran away|Runaway soldiers} {caught|found} in {town} "
        "{were|have been} {sent|handed} to {a military court|the military prosecutor|a "
        "disciplinary unit}, {src} {said}."),
    "religion": (
        "{Possession|Ownership} of {a Bible|religious books|a cross} {is|remains} {treated|"
        "punished|prosecuted} as {a political crime|espionage|an anti-state act}, and "
        "{whole families|relatives} {can be|may be|are} {sent|banished} to a {camp}.",
        "{Believers|Christians|House church members} in {town} {meet|gather|pray} {in "
        "twos and threes|in small groups|at night}, {moving|changing} {homes|places} "
        "{every|each} {week|time|month}, {src} {said}.",
        "{Informers|Agents|Inspectors} {posing|disguised} as {traders|believers|"
        "defectors} {were|have been} {sent|placed} {into|among} {groups|networks|"
        "churches} {in|around} {town} {since} {year}."),
    "context": (
        "A {ngo} {based|working} in Seoul {has recorded|holds|has collected} {n3} "
        "{testimonies|accounts|interviews} {about|on} {violation} in {vp} {since} "
        "{year}.",
        "In its {doc} for {year}, a {ngo} {listed|named|mapped} {n} {places|sites|"
        "facilities} in {vp} where {detainees|prisoners|people} {are|were} {held}.",
        "{The|A} United Nations {special rapporteur|human rights office|working group} has "
        "{asked|urged|pressed} {North Korea|Pyongyang} {n} times {since} {year} to {allow|"
        "permit} {visits|access} to its {camps|prisons|detention facilities}, {without|with "
        "no} {reply|answer|response}.",
        "A {ngo} in Seoul {estimates|believes|reckons} that {n3} {thousand|} people are "
        "{held} in {camp}s {across|throughout} the country.",
        "{Defectors|Former residents} from {vp} {interviewed|questioned|surveyed} "
        "{in|during} {year} {described|spoke of|reported} {violation} as {common|routine|"
        "frequent} {in|around} {p2}."),
    "daily": (
        "{Electricity|Power} in {p} {comes on|is supplied|runs} for {hours} hours a day {at "
        "most|on average|at best}, and {many|most|some} households {rely on|use|run on} "
        "{solar panels|car batteries|candles}.",
        "{Households|Families} in {p} {received|got|were given} {n} kilograms of {crop} "
        "{in|as} rations in {month}, the {first|only} {distribution|handout} in {n} months.",
        "{Students|Pupils|Young people} in {p} were {mobilised|sent|ordered out} for {days} "
        "days of {labour} on {farms|fields|sites} {outside|around|near} the {city|town}.",
        "Each household in {p} {must|has to|is told to} {hand over|deliver|give} {n} "
        "kilograms of {material} to the {unit} {for|under} the {season} {campaign|quota|"
        "drive}.",
        "{Water|Drinking water} is {delivered|brought} by {truck|lorry|cart} to {n} {apartment "
        "blocks|streets|districts} in {p} {twice a week|once a week|every {weekday}}, "
        "{src} {said}."),
}
CAVEATS = (
    "{O} {spoke to|interviewed|reached} {nw} people {in|from} {p} for this {report|article|"
    "story}; none {could|can} be {named|identified} for their {safety|protection}.",
    "The {details|particulars|figures} {could not be|were not} {confirmed|checked|verified} "
    "{with|by} {the authorities|officials} in {p}, and {O} has {withheld|left out|kept back} "
    "some {of them|details} {to protect|for the safety of} its {sources|contacts}.",
    "{O} has {reported|written} on {cases|events|arrests} in {p} {since} {year} {through|with "
    "the help of} {contacts|sources} in the {area|region|province}.",
    "{O} {was unable|could not manage|tried and failed} to {reach|contact} {the North Korean "
    "authorities|officials in {p}|Pyongyang} for {comment|a response}.",
    "{It was not possible|{O} was not able} to {confirm|verify|check} the {account|report|"
    "details} {independently|with a second source|from outside the country}.")
# the parts of an incident's telling that Builder.account writes as fixed sentences,
# written here with choices: after the charge, as the quotes and as the last paragraph
ATMOSPHERE = (
    "{The|These} {arrests|detentions|events} {have|are said to have} {unsettled|shaken|"
    "frightened} {residents} {at|around|near} {market}.",
    "{Neighbours|People nearby|{Residents}} {say|said} the {homes|houses|flats} of those "
    "{taken|{held}} were {searched|{checked}} for {hours|{hours} hours|most of the night}.",
    "{Families|Relatives} {have not been|were not} {allowed|permitted} to {visit|see} "
    "{them|the detainees|those {held}} {since|after} {weekday}.",
    "{Residents|Workers|Pupils}, {schoolchildren among them|some of them children|"
    "including students}, were {made|forced|ordered} to {watch|attend|be present}.")
QUOTES = (
    "\u201c{People|{Residents}} {here|in {p}|on our street} {are|feel} {afraid} "
    "{to talk|to speak|to say anything} {about it|of it|even at home},\u201d {src} {said}.",
    "\u201cThey {want|wanted|mean} to {make an example of|teach a lesson with|scare people "
    "with} {them|these people|the {k}} so that "
    "{nobody|no one} {else|} {in {p}|here|around here} {tries|dares to try} it,\u201d {src} "
    "{said}.",
    "\u201c{Officials|{Officials}} {have been|were|kept} going from {house to house|door to "
    "door|flat to flat} {asking|enquiring} about the {k},\u201d {src} {said}.",
    "\u201cThe {cadres|officials|security people} {in {p}|here} are under {pressure|orders} "
    "to {show results|make arrests|find culprits}, and the {k} {paid for it|took the "
    "blame|were the easy targets},\u201d {src} {said}.",
    "\u201cWe {hear|learn|get word} {about|of} cases like {this|that|these} {almost|nearly} "
    "every {month|week|season} {now|these days},\u201d {src} {said}.")
OCCUPATION = (
    "{Most|All|Several|Many} of {them|those {held}|the detainees} were {k} {from|in|living "
    "in} the same {neighbourhood|street|district|housing block}.",
    "{{Src}|The source} {described|characterised} them as {k} {known to one another|who "
    "knew each other|from one area}.")
CHARGED = (
    "{They|The {k}|Those {held}} {were accused of|stand accused of|are charged with|face "
    "charges of} {c}{, {src} {said}|}.",
    "The {charge|accusation|offence} {against them|they face|cited} {was|is} {c}.",
    "{Investigators|Security officials|Interrogators} {suspect|accuse} {them|the {k}} of "
    "{c}.",
    "{According to|By the account of} {src}, {they|the {k}} had been {c}.")
PUNISHED = ("{They|The {k}|Those convicted} {were {later|then|afterwards} sentenced to|were "
            "{later|then|afterwards} given|got} {y} years {of reform through labour|in a "
            "kyohwaso|of hard labour}{, {src} {said}|}.",)
_SLOT = re.compile(r"\{(\w+)\}")
# a slot name is passed over; only the words with stand-ins are matched
_WORD = re.compile(r"\{\w+\}|\b(?:" + "|".join(sorted(PARAPHRASE, key=len, reverse=True))
                   + r")\b", re.I)
_CHOICE = re.compile(r"\{([^{}]*\|[^{}]*)\}")
_AN = re.compile(r"\b([Aa]) (?=[aeio])")


def neighbourhood(rng: Random) -> str:
    """An invented neighbourhood (dong) or village (ri) name."""
    return f"{rng.choice(SYLLABLES)}{rng.choice(SYLLABLES).lower()}-{rng.choice(('dong', 'ri'))}"


def _between(low: int, high: int, step: int = 1) -> Callable[[Filler], str]:
    return lambda f: f"{f.rng.randrange(low, high + 1, step):,}"


def _pick(options: tuple[str, ...]) -> Callable[[Filler], str]:
    return lambda f: f.rng.choice(options)


def _year(f: Filler) -> str:
    f.last_year = f.rng.randint(2008, 2021)
    return str(f.last_year)


SLOTS: dict[str, Callable[[Filler], str]] = {
    "p": lambda f: f.p if f.rng.random() < 0.5 else f"{f.p}'s {neighbourhood(f.rng)}",
    "town": lambda f: f.p, "v": lambda f: f.v,
    "vp": lambda f: f.rng.choice((f"{f.v} province", f.v, f"the province of {f.v}",
                                  f"{f.v} region", f"{f.v} province")),
    "river": lambda f: f.river, "o": lambda f: f.o,
    "p2": lambda f: f.rng.choice([p for p in OTHER_PLACES if p != f.p]),
    "o2": lambda f: f.rng.choice([o for o in OUTLETS if o != f.o]),
    "agency": lambda f: f.rng.choice(AGENCIES[f.agency]),
    "measure": lambda f: "a {} of {}".format(*f.rng.choice(MEASURES)),
    "unit": lambda f: f.rng.choice(UNITS)[0], "units": lambda f: f.rng.choice(UNITS)[1],
    "goods": _pick(GOODS), "market": _pick(MARKETS), "body": _pick(BODIES),
    "central": _pick(CENTRAL), "offence": _pick(OFFENCES), "offence_noun": _pick(OFFENCE_NOUNS),
    "items": _pick(ITEMS), "law": _pick(LAWS), "meeting": _pick(MEETINGS),
    "venue": _pick(VENUES), "enterprise": _pick(ENTERPRISES), "camp": _pick(CAMPS),
    "facility": _pick(FACILITIES), "ngo": _pick(NGOS), "doc": _pick(DOCS),
    "relation": _pick(RELATIONS), "crop": _pick(CROPS), "labour": _pick(LABOUR),
    "material": _pick(MATERIALS), "season": _pick(SEASONS), "violation": _pick(VIOLATIONS),
    "src": _pick(SOURCES), "month": _pick(MONTHS), "weekday": _pick(WEEKDAYS),
    "k": lambda f: f.k, "c": lambda f: f.charge, "y": lambda f: str(f.years),
    "nw": lambda f: WORDS[f.rng.randint(2, 12)],
    "won": _between(300, 60000, 10), "bigwon": _between(200000, 9000000, 100),
    "yuan": _between(200, 40000, 10), "usd": _between(100, 8000, 10),
    "fx": _between(4000, 30000, 10), "cny": _between(500, 4200, 5), "n": _between(2, 48),
    "n3": _between(120, 4800),
    "pct": _between(5, 85), "km": _between(4, 320), "days": _between(3, 150),
    "hours": _between(1, 16), "minutes": _between(5, 40),
    "year": _year, "year2": lambda f: str(min(2024, f.last_year + f.rng.randint(1, 4))),
    **{name: _pick(words) for name, words in POOLS.items()},
}


class Filler:
    """Fills the templates of one article: a ``{slot}`` from the lists, a ``{a|b}`` choice."""

    def __init__(self, rng: Random, place: int, agency: str, outlet: str,
                 victims: str = "people") -> None:
        names, provinces, _, river = PLACES[place]
        self.rng, self.agency, self.o, self.k = rng, agency, outlet, victims
        self.years, self.charge = 5, "breaking the law"
        self.p, self.v, self.river = names[0], provinces[0], (river or "Tumen")
        self.last_year = 2015

    def _slot(self, match: re.Match[str]) -> str:
        name = match.group(1)
        value = SLOTS[name.lower()](self)
        return cap(value) if name[0].isupper() else value

    def _swap(self, match: re.Match[str]) -> str:
        word = match.group()
        stand_ins = PARAPHRASE.get(word.lower())
        if not stand_ins or self.rng.random() < 0.25:
            return word
        other = self.rng.choice(stand_ins)
        return cap(other) if word[0].isupper() else other

    def fill(self, template: str) -> str:
        text = _WORD.sub(self._swap, template)
        while "{" in text:  # slots first: a choice may hold a slot, a slot's value a slot
            before = text
            text = _SLOT.sub(self._slot, text)
            text = _CHOICE.sub(lambda m: self.rng.choice(m.group(1).split("|")), text)
            if text == before:
                raise ValueError(f"a brace that is neither slot nor choice in {template!r}")
        return _AN.sub(r"\1n ", cap(text.replace("  ", " ").replace(" ,", ",")))

    def paragraph(self, used: set[str]) -> str:
        """Two to four sentences of one topic, no template twice in an article."""
        rng = self.rng
        topics = [t for t in TOPICS if any(s not in used for s in TOPICS[t])] or list(TOPICS)
        left = [s for s in TOPICS[rng.choice(topics)] if s not in used]
        chosen = rng.sample(left, min(len(left), rng.randint(2, 4))) if left else []
        used.update(chosen)
        return " ".join(self.fill(s) if rng.random() < 0.6 else self.opened(s) for s in chosen)

    def opened(self, template: str) -> str:
        """A sentence after an opener ("Meanwhile,"), its first word lowered unless a name."""
        sentence = self.fill(template)
        first = sentence.split(" ", 1)[0]
        if first not in PROPER and not first.startswith(PROPER_PREFIX):
            sentence = sentence[:1].lower() + sentence[1:]
        return f"{self.fill(self.rng.choice(OPENERS))} {sentence}"
