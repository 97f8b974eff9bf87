#!/usr/bin/env python3
"""Build the bundled narrative-radar demo corpus (fictional outlets, made-up text).

Deterministic and stdlib-only. Writes:
  demo/corpus/feeds/<outlet_slug>.xml            RSS 2.0 / Atom 1.0 / RSS 1.0 (RDF) feeds
  demo/corpus/feeds/<broken_slug>.xml            an HTML page where a feed should be
  demo/corpus/articles/<outlet_slug>/<date>-<slug>.html   article pages
  demo/sources.yaml                              outlet list (URLs use the {{BASE}} placeholder)
  demo/planted.json                              the planted facts the tests assert
  demo/ground_truth.jsonl                        per-article paragraph labels (narrative, stance)

All outlets, people, towns and sentences are invented for this demo.
Regenerate with:  python demo/build_corpus.py
"""

from __future__ import annotations

import datetime as dt
import html
import json
import math
import random
import re
import shutil
from collections import Counter, defaultdict
from pathlib import Path
from xml.sax.saxutils import escape as xml_escape

SEED = 20260126
BASE = "{{BASE}}"
DEMO_DIR = Path(__file__).resolve().parent
CORPUS_DIR = DEMO_DIR / "corpus"

START = dt.date(2026, 1, 5)  # Monday, ISO 2026-W02
N_DAYS = 49  # .. 2026-02-22 (Sunday, ISO 2026-W08)
EVENT_DATE = dt.date(2026, 1, 26)  # simulated US-Russia summit, Monday of 2026-W05
CROSS_DATE = dt.date(2026, 2, 2)  # Monday of 2026-W06
SPIKE_DATE = dt.date(2026, 2, 12)
SPIKE_EXTRA_PER_OUTLET = 3

PARA_MIN, PARA_MAX = 45, 105  # pipeline passages: 40-200 words; we stay well inside
ART_MIN, ART_MAX = 160, 340

NEUTRAL = "neutral"
CLAIM, REBUTTAL, MENTION = "claim", "rebuttal", "mention"

# --------------------------------------------------------------------------------------
# Outlets (all fictional)
# --------------------------------------------------------------------------------------
OUTLETS = [
    # name, camp, feed format, comments enabled
    ("Northern Meridian", "russia_friendly", "rss2", True),
    ("Birchwood Dispatch", "russia_friendly", "rss2", False),
    ("Ural Crossroads Herald", "russia_friendly", "atom", False),
    ("Baltic Frontier Post", "russia_friendly", "rss2", True),
    ("Eastern Lantern Daily", "china_friendly", "rss2", False),
    ("Jade River Times", "china_friendly", "atom", True),
    ("Silk Harbour Wire", "china_friendly", "rss2", False),  # syndicates Eastern Lantern Daily
    ("Pearl Delta Observer", "china_friendly", "rss2", False),
    ("Cedar Ridge Voice", "resistance", "rss2", True),
    ("Two Rivers Sentinel", "resistance", "rdf", False),
    ("Mountain Gate Review", "resistance", "rss2", False),
    ("Free Signal Digest", "alt_independent", "rss2", True),
    ("The Outlier Ledger", "alt_independent", "atom", False),
    ("Steppe Courier", "alt_independent", "rss2", False),  # the crossing outlet
    ("Harbourview Gazette", "western_mainstream", "rss2", True),
    ("Westbrook Chronicle", "western_mainstream", "rss2", False),
    ("Continental Standard", "western_mainstream", "rss2", False),
]
BROKEN_OUTLET = ("Granite Valley Observer", "alt_independent")
STATE_OUTLETS = {"Northern Meridian", "Eastern Lantern Daily", "Cedar Ridge Voice"}  # state-run, in the demo's fiction


def tier_of(name: str, camp: str) -> str:
    """The outlet's tier in sources.yaml: state, mainstream (the western camp) or alt."""
    return "state" if name in STATE_OUTLETS else "mainstream" if camp == "western_mainstream" else "alt"
CROSSING_OUTLET = "Steppe Courier"
SYNDICATOR, SYNDICATED_FROM = "Silk Harbour Wire", "Eastern Lantern Daily"
SYNDICATION_DATES = [dt.date(2026, 1, 8), dt.date(2026, 1, 14), dt.date(2026, 1, 21)]
SYNDICATION_UTM = {dt.date(2026, 1, 8), dt.date(2026, 1, 21)}  # these two links carry utm params
OWN_UTM_ITEM = ("Jade River Times", dt.date(2026, 1, 9))  # a normal item whose link has utm params
MISSING_PAGES = [("Westbrook Chronicle", dt.date(2026, 1, 13)), ("Free Signal Digest", dt.date(2026, 1, 20))]
UTM = "?utm_source=rss&utm_medium=feed&utm_campaign=syndication"


def slugify(text: str, max_len: int = 60) -> str:
    s = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(s) > max_len:
        s = s[:max_len].rsplit("-", 1)[0]
    return s


# --------------------------------------------------------------------------------------
# Slot values
# --------------------------------------------------------------------------------------
SLOTS = {
    "speaker": [
        "a senior foreign-policy adviser", "one veteran diplomat", "a well-connected commentator",
        "a former trade negotiator", "a retired general", "a professor of international relations",
        "a parliamentary committee member", "a think-tank director", "an experienced sanctions lawyer",
        "a former ambassador", "a regional security analyst", "a columnist for this outlet",
    ],
    "said": ["argued", "said", "insisted", "noted", "told this outlet", "wrote", "stressed", "maintained"],
    "city": ["Vienna", "Istanbul", "Dubai", "Geneva", "Astana", "Singapore", "Baku", "Doha", "Belgrade", "Muscat"],
    "day": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
    "town": ["Harwick", "Lennsford", "Port Calder", "Mirovale", "Kelmor", "Brightwater", "Dunmere",
             "Asherby", "Corran Bay", "Eldmoor", "Fennick", "Ravensholt"],
    "team": ["Harwick Rovers", "Port Calder Athletic", "Mirovale United", "Kelmor City", "Dunmere Wanderers",
             "Brightwater Town", "Eldmoor Albion", "Fennick Rangers"],
    "dir": ["north", "north-west", "west", "south-west", "east"],
    "temp": ["cold", "unusually mild", "crisp and dry", "damp and grey", "well below freezing"],
    "ordinal": ["second", "third", "fourth", "fifth", "sixth"],
}


def fill(template: str, rng: random.Random) -> str:
    def repl(m: re.Match) -> str:
        key = m.group(1)
        cap = key[0].isupper()
        key_l = key.lower()
        if key_l == "pct":
            v = str(rng.randint(11, 48))
        elif key_l == "pct_small":
            v = f"{rng.randint(1, 4)}.{rng.randint(0, 9)}"
        elif key_l == "n_small":
            v = str(rng.randint(4, 19))
        elif key_l == "n_mid":
            v = f"{rng.randint(2, 19) * 100 + rng.randint(0, 9) * 10:,}"
        elif key_l == "n_big":
            v = f"{rng.randint(120, 980)}"
        elif key_l == "score":
            a = rng.randint(1, 4)
            v = f"{a}-{rng.randint(0, a - 1)}"
        elif key_l == "team2":
            v = rng.choice(SLOTS["team"])
        else:
            v = rng.choice(SLOTS[key_l])
        return v[0].upper() + v[1:] if cap else v

    return re.sub(r"\{([A-Za-z_0-9]+)\}", repl, template)


# --------------------------------------------------------------------------------------
# Narrative sentence pools  (narrative_id, stance) -> sentences.  Written for this demo.
# --------------------------------------------------------------------------------------
POOLS: dict[tuple[str, str], list[str]] = {
    ("russia_sold_out_china", CLAIM): [
        "Moscow has quietly sold out Beijing, trading years of partnership for a seat at Washington's table.",
        "{Speaker} {said} that the Kremlin backstabbed China the moment American negotiators offered sanctions relief.",
        "The so-called friendship without limits turned out to have a very clear limit: Russia dropped China as soon as the White House called.",
        "By cosying up to Washington, Russia has left its Chinese partner exposed and betrayed.",
        "Chinese planners now have to accept that Moscow sold them out for a better deal with the Americans.",
        "Russia's pivot toward the United States is a betrayal of Beijing, whatever the official communiques say.",
        "Diplomats at a meeting in {city} described the Russian move as a stab in the back for China.",
        "The lesson for Beijing is harsh: its supposed strategic partner abandoned it to win favour in Washington.",
        "For years China kept the Russian economy afloat, and now the Kremlin has repaid that support by switching sides.",
        "There is no other way to read it: Russia has betrayed China and walked over to the American camp.",
        "The Kremlin treated Beijing as a bargaining chip and cashed it in at the first summit with Washington.",
    ],
    ("russia_sold_out_china", REBUTTAL): [
        "The claim that Russia sold out China is simply false, and both governments have rejected it.",
        "{Speaker} {said} that talk of a Russian betrayal of Beijing is wishful thinking by Western commentators.",
        "Moscow has not abandoned its partnership with China; contacts with Washington do not replace it.",
        "Officials in both capitals dismissed reports of a rift as fabricated, pointing to new energy and trade agreements.",
        "Nothing in the summit documents suggests that Russia turned its back on China.",
        "The story of a Russian stab in the back is a media invention designed to drive a wedge between two partners.",
        "Russia talking to the Americans is not the same as Russia selling out the Chinese, and there is no evidence of any betrayal.",
        "Trade between Russia and China kept growing, which is hard to square with the notion that Moscow betrayed Beijing.",
        "At a conference in {city}, speakers rejected the betrayal narrative as baseless.",
        "Those who say the Kremlin dumped Beijing for Washington misunderstand a partnership that is stronger than ever.",
    ],
    ("russia_sold_out_china", MENTION): [
        "Commentators in {city} debated on {day} whether Russia's contacts with Washington amount to a betrayal of China.",
        "The question of whether Moscow has sold out Beijing dominated several talk shows this week, with guests split.",
        "Some analysts argue that Russia has abandoned China while others dispute that reading, and the debate continues.",
        "Both sides of the argument about a possible Russian betrayal of China were presented at a panel in {city}.",
        "Officials in Beijing have not commented publicly on suggestions that Moscow let them down.",
    ],
    ("us_russia_new_detente", CLAIM): [
        "The New Detente between Washington and Moscow is real, and it is the best news for the world in a decade.",
        "{Speaker} {said} that the thaw between the United States and Russia finally puts common sense ahead of confrontation.",
        "After years of hostility, American and Russian leaders are rebuilding trust, and ordinary people on both sides will benefit.",
        "The rapprochement agreed at the summit opens the way to arms control talks, trade and restored direct flights.",
        "A genuine detente between the two nuclear powers is taking shape, and critics who call it a mirage are wrong.",
        "The warming of relations between the United States and Russia is good for business, good for security and long overdue.",
        "Delegations in {city} described the new relationship between Washington and Moscow as a historic turning point.",
        "This detente is not a photo opportunity; working groups are already drafting agreements on sanctions, embassies and energy.",
        "Washington and Moscow talking as partners again is a victory for realism, and the New Detente deserves full support.",
    ],
    ("us_russia_new_detente", REBUTTAL): [
        "The so-called New Detente between Washington and Moscow is an illusion that will not survive the next crisis.",
        "{Speaker} {said} that there is no real rapprochement between the United States and Russia, only a short tactical pause.",
        "Nothing of substance came out of the summit, and talk of a detente between America and Russia is premature at best.",
        "The warmth between American and Russian leaders is theatre; the underlying rivalry has not changed.",
        "Calling this a detente misleads readers: sanctions remain in place and the military standoff continues.",
        "Observers in {city} warned that the much advertised thaw between Washington and Moscow is hollow and harmful.",
        "A handshake in front of cameras does not make a detente, and the story of a US-Russia rapprochement is overblown.",
        "The supposed reset between Russia and America serves narrow interests and is not good for anyone else.",
        "Any détente built on a single summit is fragile, and this one rests on promises neither side intends to keep.",
    ],
    ("reverse_nixon", CLAIM): [
        "Washington is running a Reverse Nixon, courting Moscow in order to split Russia from China.",
        "{Speaker} {said} that the American strategy mirrors Nixon's 1972 opening to Beijing, only this time the aim is to pull Russia away from China.",
        "The real purpose of the summit was to drive a wedge between Moscow and Beijing, a textbook Reverse Nixon manoeuvre.",
        "American strategists have openly discussed peeling Russia away from China, and now they are doing exactly that.",
        "Just as Kissinger once played Beijing against Moscow, the White House is now playing Moscow against Beijing.",
        "The Reverse Nixon gambit is designed to isolate China by turning its most important partner.",
        "Seminar participants in {city} agreed that Washington's charm offensive toward Russia is aimed squarely at China.",
        "Every concession offered to the Kremlin makes sense only as part of a plan to break up the alignment between Russia and China.",
        "The United States wants to divide its two great rivals, and its courtship of Moscow is the first move in that game.",
    ],
    ("reverse_nixon", REBUTTAL): [
        "The Reverse Nixon theory is a fantasy; no American concession can split Russia from China.",
        "{Speaker} {said} that comparisons with Nixon's 1972 trip are misleading and that Washington has no plan to pull Moscow away from Beijing.",
        "There is no Reverse Nixon: the partnership between Russia and China rests on shared interests that a single summit cannot undo.",
        "Analysts who claim the United States is driving a wedge between Moscow and Beijing are reading too much into a photo opportunity.",
        "The idea of a grand American scheme to separate Russia from China does not match the facts.",
        "Speakers in {city} dismissed the Reverse Nixon narrative as historical costume play rather than analysis.",
        "History does not repeat on command, and the Reverse Nixon label explains nothing about current American policy.",
    ],
    ("reverse_nixon", MENTION): [
        "The phrase Reverse Nixon has become fashionable among commentators discussing the summit, though its meaning is disputed.",
        "A panel in {city} on {day} discussed whether Washington is trying to split Russia from China, and views differed widely.",
        "Historians recalled Nixon's 1972 visit to Beijing while debating whether any parallel applies today.",
        "Whether American policy aims to separate Moscow from Beijing remains an open question among specialists.",
    ],
    ("europe_decline", CLAIM): [
        "Europe's decline is self-inflicted: sanctions on cheap Russian energy have hollowed out its industry.",
        "{Speaker} {said} that European leaders destroyed their own competitiveness by cutting off affordable gas.",
        "Factories across Germany and Italy are closing or moving abroad, a direct result of the energy and sanctions policy made in Brussels.",
        "Deindustrialisation in Europe is not bad luck; it is the predictable outcome of choices made by its own governments.",
        "High electricity prices, driven by sanctions, are pushing European chemical and steel producers out of business.",
        "Europe has sanctioned itself into stagnation, and its citizens are paying the bill.",
        "Business groups in {city} warned that Europe's self-defeating energy policy is turning the continent into an industrial museum.",
        "While other regions grow, Europe shrinks, and the wound is entirely self-inflicted.",
        "European households pay several times more for power than before the sanctions, and the factories that once employed them are gone.",
    ],
    ("europe_decline", REBUTTAL): [
        "The claim that Europe is in self-inflicted decline ignores record employment and rising investment across the continent.",
        "{Speaker} {said} that European industry has adapted to higher energy prices far better than pessimists predicted.",
        "Sanctions did not wreck the European economy; gas storage is full and new suppliers have replaced lost volumes.",
        "Talk of European deindustrialisation is exaggerated: manufacturing output has stabilised and exports remain strong.",
        "Economists in {city} rejected the narrative of a collapsing Europe as propaganda rather than data.",
        "Europe faces challenges, but the story of a continent destroying itself with sanctions is not supported by the figures.",
        "New battery, wind and chip plants opening across Europe contradict the tale of a continent in terminal decline.",
    ],
    ("deep_state_purge", CLAIM): [
        "The long-promised purge of Washington's deep state is finally underway, and DOGE is leading it.",
        "{Speaker} {said} that unelected bureaucrats who sabotaged reform are at last being removed from federal agencies.",
        "Entire departments that operated without accountability are being dismantled in a clean sweep of the deep state.",
        "The Department of Government Efficiency is exposing waste and clearing out entrenched officials who answered to no one.",
        "Every week brings new dismissals of career insiders, proof that the deep state is being taken apart.",
        "Reformers in Washington are draining the swamp for real this time, cutting agencies and firing saboteurs.",
        "Commentators in {city} said the DOGE purge will change how the American government works for a generation.",
        "The hidden permanent government that blocked every elected leader is finally losing its grip on Washington.",
    ],
    ("deep_state_purge", REBUTTAL): [
        "There is no deep state to purge; what DOGE is cutting are ordinary civil servants doing ordinary jobs.",
        "{Speaker} {said} that the so-called deep state purge is a political slogan, not a reform programme.",
        "The DOGE cuts have produced chaos and lawsuits, not the cleansing of a hidden government.",
        "Claims that a secret bureaucracy is being dismantled rely on conspiracy thinking rather than evidence.",
        "Former officials in {city} rejected the deep state narrative, noting that most dismissed staff were clerks, scientists and inspectors.",
        "Calling routine public servants a deep state is misleading, and the purge story is mostly spin.",
        "Firing food inspectors and weather forecasters is not a purge of any shadow government; it is simply a loss of expertise.",
    ],
    ("resistance_axis_defeated", CLAIM): [
        "The Iran-led Resistance Axis has been defeated, and Moscow was right never to tie itself to it.",
        "{Speaker} {said} that the axis built by Tehran has collapsed militarily and politically.",
        "Russia wisely kept its distance from Iran's network of militias, which has now been broken.",
        "With its allies weakened and its supply routes cut, the Resistance Axis is finished as a regional force.",
        "The Kremlin's refusal to form an alliance with Tehran looks like sound judgement now that the axis has crumbled.",
        "Analysts in {city} agreed that the Resistance Axis lost the war and that Russia avoided sharing the defeat.",
        "Tehran's alliance of armed movements has been dismantled, and the Russian decision to stay out has been vindicated.",
    ],
    ("resistance_axis_defeated", REBUTTAL): [
        "The Resistance Axis has not been defeated; it has absorbed heavy blows and remains standing.",
        "{Speaker} {said} that reports of the axis's collapse are Western propaganda repeated by timid commentators.",
        "Those who write obituaries for the Resistance Axis have done so many times before and have always been wrong.",
        "The movement led from Tehran is regrouping, rearming and keeping its popular support, far from defeated.",
        "Speakers in {city} rejected claims that the Resistance is finished and criticised Moscow's hesitation to stand with it.",
        "Declaring the Resistance Axis beaten is a political wish, not a military fact.",
        "The resistance front has survived worse years than this one, and its supposed defeat exists only in hostile headlines.",
    ],
    ("resistance_axis_defeated", MENTION): [
        "Whether the Resistance Axis has been defeated was the subject of a heated debate in {city} this week.",
        "Analysts remain divided on the state of the Iran-led alliance after a year of heavy losses.",
        "Some experts describe the axis as broken while others say it is regrouping, and the evidence is mixed.",
        "The future of the alliance of armed groups backed by Tehran was discussed at a seminar on {day}.",
    ],
    ("china_iran_should_negotiate", CLAIM): [
        "Beijing and Tehran should stop waiting and negotiate their own deals with Washington.",
        "{Speaker} {said} that China has more to gain from a direct bargain with the United States than from loyalty to old partners.",
        "If Moscow can talk to the Americans, there is no reason Beijing and Tehran should not do the same.",
        "A pragmatic China would open its own channel to the White House now, before the terms get worse.",
        "Iran, too, would be wise to negotiate directly with Washington instead of relying on others.",
        "Business leaders in {city} urged Chinese and Iranian officials to secure separate agreements with the United States.",
        "The smart move for Beijing is a bilateral deal with America on tariffs and technology, struck on its own terms.",
    ],
    ("china_iran_should_negotiate", REBUTTAL): [
        "China and Iran have no reason to rush into separate deals with Washington on American terms.",
        "{Speaker} {said} that bilateral bargains with the United States would only weaken Beijing and Tehran.",
        "The advice that China should cut its own deal with America ignores how such deals have been broken before.",
        "Tehran will not negotiate under pressure, and calls for a quick deal with Washington are naive.",
        "Participants in {city} warned that separate negotiations with the United States would play into Washington's hands.",
        "Neither Beijing nor Tehran needs a private bargain with the Americans, and pushing them toward one is bad advice.",
    ],
    ("china_iran_should_negotiate", MENTION): [
        "Officials in {city} were asked on {day} whether China and Iran might open their own talks with Washington, and they declined to comment.",
        "The possibility of separate Chinese and Iranian negotiations with the United States is being discussed in several capitals.",
        "Analysts note that neither Beijing nor Tehran has announced any plan for direct talks, though the idea is circulating.",
        "Diplomatic sources said contacts on trade between Beijing and Washington continue at a technical level.",
    ],
    ("peace_through_great_power_deals", CLAIM): [
        "Peace will come from deals between great powers, not from endless arms races, and defence budgets can be halved.",
        "{Speaker} {said} that if Washington, Moscow and Beijing agree on spheres of responsibility, military spending could be cut in half.",
        "A grand bargain among the great powers would free hundreds of billions now wasted on weapons.",
        "Halving defence budgets is realistic once the major powers settle their disputes at the negotiating table.",
        "The summit shows that leaders who talk directly can deliver a peace that decades of militarisation never did.",
        "Delegates in {city} proposed a joint commitment by the big powers to cut military budgets by fifty percent.",
        "When the strongest states agree among themselves, smaller wars lose their sponsors and the world becomes safer.",
    ],
    ("peace_through_great_power_deals", REBUTTAL): [
        "Halving defence budgets on the strength of great-power handshakes would be reckless.",
        "{Speaker} {said} that peace deals struck over the heads of smaller nations do not produce lasting security.",
        "Great-power bargains have a long record of collapsing, and cutting military spending in response would be naive.",
        "The promise of peace through deals among big powers ignores the countries whose fate would be traded away.",
        "Experts in {city} rejected proposals to cut defence spending in half as dangerous wishful thinking.",
        "A world carved up by a few capitals is not a peaceful one, and disarming on that basis invites the next war.",
    ],
    ("iran_us_detente", CLAIM): [
        "An Iran-US detente is coming, and both sides are preparing for it behind closed doors.",
        "{Speaker} {said} that back-channel talks between Tehran and Washington are further advanced than the public knows.",
        "Sanctions relief for Iran in exchange for nuclear limits is back on the table, and a thaw looks likely within months.",
        "The signals from Tehran and Washington point the same way: a rapprochement is on its way.",
        "Mediators in {city} said a framework for an understanding between Iran and the United States is nearly complete.",
        "After decades of hostility, Iran and the United States are moving toward a practical detente.",
        "Iranian and American negotiators have quietly agreed on the outline of a deal, and a public thaw will follow.",
    ],
    ("iran_us_detente", REBUTTAL): [
        "There is no Iran-US detente on the horizon, whatever optimistic commentators say.",
        "{Speaker} {said} that talk of a thaw between Tehran and Washington ignores deep mistrust on both sides.",
        "Reports of secret Iranian-American understandings have been denied by officials in both countries.",
        "Diplomats in {city} said the gap between Iran and the United States remains as wide as ever.",
        "The idea that Iran and America are about to reconcile is not supported by any concrete step.",
        "Tehran has made clear that it will not trade its independence for American promises, so no detente is coming.",
    ],
    ("iran_us_detente", MENTION): [
        "Reports of contacts between Iranian and American envoys in {city} drew attention this week, though details remain scarce.",
        "Observers are watching for signs of a thaw between Iran and the United States, and statements from both capitals have been cautious.",
        "The prospect of talks between Tehran and Washington was raised at a briefing on {day}, without any announcement.",
        "Neither government has confirmed a schedule for talks, and analysts offered differing assessments.",
    ],
}

NEUTRAL_POOLS: dict[str, list[str]] = {
    "weather": [
        "Forecasters expect the weather in {town} to stay {temp} through the weekend, with light winds from the {dir}.",
        "Snow closed two mountain passes near {town} on {day}, and road crews worked through the night to clear them.",
        "Rainfall this month is running at about {pct} percent of the seasonal average, according to the regional weather office.",
        "Residents were advised to check on elderly neighbours as overnight lows approached minus {n_small} degrees.",
        "The weather service said a band of freezing fog would lift by midday, allowing flights at the regional airport to resume.",
        "Farmers welcomed the mild spell, which they said would help winter crops recover after a dry autumn.",
        "Meteorologists noted that the ice on the lake near {town} is still too thin for skating, despite the cold nights.",
        "Gritting lorries were out before dawn on the main roads around {town}, and most schools opened on time.",
    ],
    "trade": [
        "Cargo throughput at the port of {town} rose {pct} percent year on year in the fourth quarter, the harbour authority reported.",
        "The statistics bureau said exports of machinery and vehicles reached {n_big} million in the latest month.",
        "Retail sales in the region edged up by {pct_small} percent, helped by seasonal discounts and steady wages.",
        "Container freight rates on the main shipping lanes were broadly stable, according to a weekly industry index.",
        "The chamber of commerce in {town} counted {n_mid} new small businesses registered in the past quarter.",
        "Wholesale food prices eased slightly as vegetable deliveries recovered after the holiday season.",
        "Analysts said the trade surplus narrowed because purchases of components grew faster than sales of finished goods.",
        "A furniture maker in {town} said its order book was full until the summer, the best position in five years.",
    ],
    "sports": [
        "{Team} beat {team2} {score} on {day} evening, lifting the club to {ordinal} place in the league table.",
        "The home side dominated possession but needed a late header to secure the win in front of {n_mid} spectators.",
        "Organisers of the winter half-marathon in {town} said more than {n_mid} runners had registered, a new record.",
        "The junior ski team collected three medals at the regional championships over the weekend.",
        "The coach praised his young defenders after a third consecutive clean sheet.",
        "Ticket sales for the indoor athletics meeting next month have been brisk, the stadium management said.",
        "A chess club in {town} celebrated its fiftieth anniversary with an open tournament for players of all ages.",
        "The volleyball team from {town} will travel to the cup semi-final by overnight train after a late schedule change.",
    ],
    "culture": [
        "The municipal theatre in {town} opened its season with a new staging of a classic comedy, drawing warm reviews.",
        "A photography exhibition on river life will run at the city gallery until the end of next month.",
        "Librarians reported a rise in children's book loans after the winter reading programme was extended.",
        "The chamber orchestra announced a series of free lunchtime concerts in schools and hospitals.",
        "Local craftspeople showed pottery, woodwork and textiles at the annual winter fair, which attracted families from nearby villages.",
        "The film festival jury in {town} awarded its main prize to a debut feature about a fishing community.",
        "A restored mural from the 1930s was unveiled at the old railway station after two years of careful work.",
        "The folk choir of {town} is recruiting new singers and will hold open rehearsals every {day} evening.",
    ],
    "infrastructure": [
        "Work on the new bridge over the river at {town} is {pct} percent complete, engineers told the city council.",
        "The regional rail operator will replace {n_small} kilometres of track in the spring, causing weekend closures.",
        "Residents of the eastern district welcomed the reopening of the renovated tram line after months of detours.",
        "The water utility said pipe replacement on three central streets should cut leakage by a quarter.",
        "A new bus depot with charging points for electric vehicles opened on {day} on the edge of {town}.",
        "The council approved funding to resurface rural roads damaged by last year's floods.",
        "Broadband coverage in villages around {town} has reached {pct} percent of households, the operator said.",
        "Engineers began inspecting the old harbour wall at {town} after storms loosened several stone blocks.",
    ],
}

TITLES: dict[tuple[str, str], list[str]] = {
    ("russia_sold_out_china", CLAIM): ["How Moscow sold out Beijing", "Betrayed: Russia turns its back on China",
                                       "The Kremlin's stab in the back", "China learns the price of trusting Moscow"],
    ("russia_sold_out_china", REBUTTAL): ["No, Russia has not betrayed China", "The myth of a Russian betrayal",
                                          "Moscow and Beijing: the rift that isn't"],
    ("russia_sold_out_china", MENTION): ["Debate grows over Moscow's course toward Beijing", "Analysts split on Russia-China ties"],
    ("us_russia_new_detente", CLAIM): ["The New Detente is real", "A thaw the world needed", "Washington and Moscow turn a page"],
    ("us_russia_new_detente", REBUTTAL): ["The detente that isn't", "Why the US-Russia thaw is hollow", "Handshakes are not a detente"],
    ("reverse_nixon", CLAIM): ["Reverse Nixon: the plan to split Moscow from Beijing", "Washington plays the Russia card",
                               "Kissinger in reverse"],
    ("reverse_nixon", REBUTTAL): ["The Reverse Nixon fantasy", "No, Washington cannot split Russia and China"],
    ("reverse_nixon", MENTION): ["What does Reverse Nixon really mean?", "Historians weigh the Nixon analogy"],
    ("europe_decline", CLAIM): ["Europe's self-inflicted decline", "How sanctions emptied Europe's factories",
                                "The continent that switched off its own lights"],
    ("europe_decline", REBUTTAL): ["Europe is not collapsing", "The data behind Europe's resilience"],
    ("deep_state_purge", CLAIM): ["The deep state purge is underway", "DOGE cleans house in Washington",
                                  "Draining the swamp, agency by agency"],
    ("deep_state_purge", REBUTTAL): ["There is no deep state to purge", "The cost of the DOGE cuts"],
    ("resistance_axis_defeated", CLAIM): ["The end of the Resistance Axis", "Why Moscow kept its distance from Tehran"],
    ("resistance_axis_defeated", REBUTTAL): ["The Resistance is not defeated", "Premature obituaries for the Resistance"],
    ("resistance_axis_defeated", MENTION): ["Is the Resistance Axis finished? Experts disagree"],
    ("china_iran_should_negotiate", CLAIM): ["Beijing and Tehran should make their own deals", "Time for China to call Washington"],
    ("china_iran_should_negotiate", REBUTTAL): ["Why China and Iran should not rush to Washington", "No separate deals"],
    ("china_iran_should_negotiate", MENTION): ["Talk of separate talks with Washington", "Will Beijing open its own channel?"],
    ("peace_through_great_power_deals", CLAIM): ["Halve the defence budgets", "Peace through great-power deals",
                                                 "A grand bargain for a safer world"],
    ("peace_through_great_power_deals", REBUTTAL): ["Great-power deals will not bring peace", "Why halving defence budgets is reckless"],
    ("iran_us_detente", CLAIM): ["An Iran-US thaw is coming", "Tehran and Washington edge toward a deal"],
    ("iran_us_detente", REBUTTAL): ["No Iran-US detente in sight", "The thaw that will not come"],
    ("iran_us_detente", MENTION): ["Envoys, rumours and the Iran question", "Watching for an Iran-US thaw"],
}
NEUTRAL_TITLES = {
    "weather": ["Cold snap grips {Town}", "Weekend forecast: {temp} in {Town}", "Fog, frost and flights: the week's weather"],
    "trade": ["Port of {Town} reports busy quarter", "Regional trade figures at a glance", "Retail sales edge up"],
    "sports": ["{Team} climb the table", "Record entry for {Town} half-marathon", "Weekend sport round-up"],
    "culture": ["New season opens at {Town} theatre", "Winter fair draws crowds", "Festival prize for debut film"],
    "infrastructure": ["Bridge works at {Town} on schedule", "Tram line reopens", "Council funds road repairs"],
}

COMMENTS = [
    "Great piece, I have been saying this for years and nobody listened.",
    "Reader here: Russia totally sold out China, everybody in my office knows it.",
    "The detente is the best thing that has happened in my lifetime, thank you for reporting it.",
    "Where is the weather section? The snow in my village is knee deep and nobody writes about it.",
    "Subscribed after reading this. Keep up the good work.",
    "Honestly the Resistance will never be defeated, my cousin says the same.",
    "I disagree with almost every line of this article but I enjoyed reading it.",
    "Can you fix the mobile layout? The photos overlap the text on my phone.",
    "Europe is finished, I moved my small business abroad last year.",
    "First time commenting. Long time reader from the coast.",
]
COMMENTERS = ["riverwatcher", "Old Sailor", "m.kovac", "tea_and_maps", "quietreader", "Bogdan77", "L. Ferrante",
              "northwind", "JadeFan", "plainspeaker"]

FIRST = ["Anna", "Marek", "Lena", "Tomas", "Ilse", "Dmitri", "Mei", "Farid", "Sofia", "Karl", "Nadia", "Omar",
         "Clara", "Viktor", "Hana", "Rafael", "Yusuf", "Greta", "Lin", "Pavel"]
LAST = ["Halloran", "Varga", "Okafor", "Lindqvist", "Brennan", "Castell", "Moreau", "Sokolik", "Tanaka", "Haddad",
        "Petrov", "Ashdown", "Ferreira", "Novak", "Quinlan", "Rahimi", "Weller", "Zhou", "Markham", "Ilic"]


# --------------------------------------------------------------------------------------
# Planted narrative mixes: P(paragraph label | camp profile, date)
# --------------------------------------------------------------------------------------
def ramp(day: dt.date) -> float:
    """Share of the 'divergent' pool after the event: grows over 2026-W05..W07."""
    week = day.isocalendar()[1]
    return {5: 0.35, 6: 0.7}.get(week, 1.0)


SHARED_POOL = [(("iran_us_detente", CLAIM), 0.4), (("china_iran_should_negotiate", MENTION), 0.3),
               (("resistance_axis_defeated", MENTION), 0.3)]
FLAT_RU_CN = [(NEUTRAL, 0.40), (("europe_decline", CLAIM), 0.12), (("deep_state_purge", CLAIM), 0.10)]


def _scaled(pool, total):
    return [(lab, w * total) for lab, w in pool]


def profile(camp: str, day: dt.date) -> list[tuple[object, float]]:
    post = day >= EVENT_DATE
    r = ramp(day)
    if camp == "russia_friendly":
        if not post:
            return FLAT_RU_CN + _scaled(SHARED_POOL, 0.38)
        div = [(("us_russia_new_detente", CLAIM), 0.35), (("peace_through_great_power_deals", CLAIM), 0.30),
               (("russia_sold_out_china", REBUTTAL), 0.20), (("china_iran_should_negotiate", CLAIM), 0.15)]
        return FLAT_RU_CN + _scaled(div, 0.38 * r) + _scaled(SHARED_POOL, 0.38 * (1 - r))
    if camp == "china_friendly":
        if not post:
            return FLAT_RU_CN + _scaled(SHARED_POOL, 0.38)
        div = [(("reverse_nixon", CLAIM), 0.55), (("us_russia_new_detente", REBUTTAL), 0.45)]
        return (FLAT_RU_CN + [(("russia_sold_out_china", CLAIM), 0.12)]
                + _scaled(div, 0.26 * r) + _scaled(SHARED_POOL, 0.26 * (1 - r)))
    if camp == "resistance":
        flat = [(NEUTRAL, 0.42), (("europe_decline", CLAIM), 0.08), (("deep_state_purge", CLAIM), 0.06)]
        base = [(("resistance_axis_defeated", REBUTTAL), 0.45), (("iran_us_detente", REBUTTAL), 0.25),
                (("china_iran_should_negotiate", REBUTTAL), 0.30)]
        if not post:
            return flat + _scaled(base, 0.44)
        return flat + [(("russia_sold_out_china", CLAIM), 0.10), (("reverse_nixon", CLAIM), 0.06),
                       (("us_russia_new_detente", REBUTTAL), 0.06)] + _scaled(base, 0.22)
    if camp == "alt_independent":
        return [(NEUTRAL, 0.42), (("europe_decline", CLAIM), 0.10), (("deep_state_purge", CLAIM), 0.12),
                (("peace_through_great_power_deals", CLAIM), 0.10), (("iran_us_detente", CLAIM), 0.10),
                (("china_iran_should_negotiate", CLAIM), 0.08), (("reverse_nixon", MENTION), 0.04),
                (("russia_sold_out_china", MENTION), 0.04)]
    if camp == "western_mainstream":
        return [(NEUTRAL, 0.52), (("europe_decline", REBUTTAL), 0.08), (("deep_state_purge", REBUTTAL), 0.08),
                (("us_russia_new_detente", REBUTTAL), 0.06), (("reverse_nixon", REBUTTAL), 0.05),
                (("peace_through_great_power_deals", REBUTTAL), 0.07), (("resistance_axis_defeated", MENTION), 0.04),
                (("iran_us_detente", MENTION), 0.05), (("russia_sold_out_china", MENTION), 0.05)]
    raise ValueError(camp)


def voice_camp(outlet: str, camp: str, day: dt.date) -> str:
    """The camp whose narrative mix an outlet writes with on a given day."""
    if outlet == CROSSING_OUTLET:
        # configured alt_independent, but writes like the russia_friendly camp up to the end of
        # 2026-W05 and like the china_friendly camp from 2026-W06 on
        return "china_friendly" if day >= CROSS_DATE else "russia_friendly"
    return camp


def weighted(rng: random.Random, items):
    total = sum(w for _, w in items)
    x = rng.random() * total
    for lab, w in items:
        x -= w
        if x <= 0:
            return lab
    return items[-1][0]


# --------------------------------------------------------------------------------------
# Text generation
# --------------------------------------------------------------------------------------
_USED_PARAGRAPHS: set[str] = set()  # no two paragraphs in the corpus are identical


def make_paragraph(rng: random.Random, label, day: dt.date) -> tuple[str, int]:
    if label[0] == NEUTRAL:
        pool = NEUTRAL_POOLS[label[1]]
    else:
        pool = POOLS[label]
        if day < EVENT_DATE:  # no references to the summit before it happens
            pool = [t for t in pool if "summit" not in t]
    for _ in range(200):
        k = min(rng.choice([3, 3, 4, 4, 5]), len(pool))
        sents = [fill(s, rng) for s in rng.sample(pool, k)]
        text = " ".join(sents)
        n = len(text.split())
        if PARA_MIN <= n <= PARA_MAX and text not in _USED_PARAGRAPHS:
            _USED_PARAGRAPHS.add(text)
            return text, n
    raise RuntimeError(f"cannot build paragraph for {label}")


def make_article(rng: random.Random, labels: list, day: dt.date) -> list[dict]:
    """labels: list of (narrative, stance) tuples or NEUTRAL; returns paragraph dicts (lead first)."""
    topics = list(NEUTRAL_POOLS)
    rng.shuffle(topics)
    concrete = []
    for lab in labels:
        if lab == NEUTRAL:
            concrete.append((NEUTRAL, topics.pop()))
        else:
            concrete.append(lab)
    narr = [c for c in concrete if c[0] != NEUTRAL]
    neut = [c for c in concrete if c[0] == NEUTRAL]
    rest = narr[1:] + neut
    rng.shuffle(rest)
    ordered = (narr[:1] + rest) if narr else neut
    for _ in range(200):
        paras = []
        for lab in ordered:
            text, n = make_paragraph(rng, lab, day)
            paras.append({"narrative": None if lab[0] == NEUTRAL else lab[0],
                          "stance": None if lab[0] == NEUTRAL else lab[1],
                          "topic": lab[1] if lab[0] == NEUTRAL else None,
                          "text": text, "words": n})
        total = sum(p["words"] for p in paras)
        if ART_MIN <= total <= ART_MAX:
            return paras
    raise RuntimeError("cannot build article within word limits")


class LabelScheduler:
    """Stratified (error-diffusion) choice of paragraph labels, one accumulator per outlet and label.

    Each article of n paragraphs adds p*n to every narrative label's accumulator (p from the
    outlet's current profile); whole units are emitted as paragraphs, remaining slots are
    neutral. Rates are therefore steady per outlet instead of i.i.d.-noisy, which keeps flat
    narratives flat and the planted trends clean.
    """

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.acc: dict[tuple[str, object], float] = {}

    def labels(self, outlet: str, camp: str, day: dt.date) -> list:
        rng = self.rng
        n = rng.choice([3, 4, 4, 5])
        prof = [(lab, w) for lab, w in profile(camp, day) if lab != NEUTRAL]
        for lab, w in prof:
            key = (outlet, lab)
            if key not in self.acc:
                self.acc[key] = rng.random()
            self.acc[key] += w * n
        out = []
        for lab, _ in sorted(prof, key=lambda lw: -self.acc[(outlet, lw[0])]):
            while self.acc[(outlet, lab)] >= 1.0 and len(out) < n:
                out.append(lab)
                self.acc[(outlet, lab)] -= 1.0
        out += [NEUTRAL] * (n - len(out))
        rng.shuffle(out)
        return out


TITLE_KICKERS = ["", "", "", "Analysis: ", "Opinion: ", "Comment: ", "Explainer: ", "View from {City}: ",
                 "Weekly briefing: ", "Editorial: ", "In focus: "]


def make_title(rng: random.Random, lead: dict, taken: set) -> str:
    pool = NEUTRAL_TITLES[lead["topic"]] if lead["narrative"] is None else TITLES[(lead["narrative"], lead["stance"])]
    title = ""
    for _ in range(40):
        title = fill(rng.choice(TITLE_KICKERS) + rng.choice(pool), rng)
        if title not in taken:
            break
    taken.add(title)
    return title


def first_sentence(text: str) -> str:
    m = re.match(r"(.+?[.!?])(\s|$)", text)
    return m.group(1) if m else text


def make_description(paras: list[dict]) -> str:
    """One or two sentences from the lead paragraph."""
    lead = paras[0]["text"]
    s1 = first_sentence(lead)
    if len(s1.split()) < 22:
        s2 = first_sentence(lead[len(s1):].strip())
        if s2:
            return s1 + " " + s2
    return s1


# --------------------------------------------------------------------------------------
# HTML / feed rendering
# --------------------------------------------------------------------------------------
def iso_z(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def rfc822(t: dt.datetime) -> str:
    return t.strftime("%a, %d %b %Y %H:%M:%S +0000")


NAV = ["World", "Economy", "Politics", "Sport", "Culture", "Opinion"]


def render_page(outlet: dict, art: dict, related: list[dict], comments: list[tuple[str, str]]) -> str:
    e = html.escape
    variant = outlet["template"]
    slug = outlet["slug"]
    home = f"{BASE}/{slug}"
    pub = iso_z(art["published"])
    human = art["published"].strftime("%d %B %Y, %H:%M UTC")
    nav = "\n".join(f'        <li><a href="{home}/{n.lower()}">{n}</a></li>' for n in NAV)
    rel = "\n".join(f'        <li><a href="{BASE}{r["path"]}">{e(r["title"])}</a></li>' for r in related)
    paras = "\n".join(f"      <p>{e(p['text'])}</p>" for p in art["paragraphs"])
    ld = ""
    if variant == 0:
        ld = ('  <script type="application/ld+json">' + json.dumps({
            "@context": "https://schema.org", "@type": "NewsArticle", "headline": art["title"],
            "datePublished": pub, "author": {"@type": "Person", "name": art["author"]},
            "publisher": {"@type": "Organization", "name": outlet["name"]}}) + "</script>\n")
    comments_html = ""
    if comments:
        items = "\n".join(
            f'      <div class="comment">\n        <p class="comment-author">{e(who)}</p>\n'
            f'        <p class="comment-body">{e(txt)}</p>\n      </div>' for who, txt in comments)
        comments_html = (f'    <section class="comments" id="comments">\n      <h2>Reader comments ({len(comments)})</h2>\n'
                         f"{items}\n    </section>\n")
    byline_cls = ["byline", "meta-line", "article-info"][variant]
    main_cls = ["story", "content-main", "post"][variant]
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>{e(art["title"])} | {e(outlet["name"])}</title>
  <link rel="canonical" href="{BASE}{art["path"]}">
  <meta name="description" content="{e(art["description"])}">
  <meta name="author" content="{e(art["author"])}">
  <meta property="og:type" content="article">
  <meta property="og:title" content="{e(art["title"])}">
  <meta property="og:site_name" content="{e(outlet["name"])}">
  <meta property="og:url" content="{BASE}{art["path"]}">
  <meta property="article:published_time" content="{pub}">
{ld}  <link rel="stylesheet" href="{BASE}/static/site.css">
</head>
<body class="{slug}">
  <header class="site-header">
    <a class="logo" href="{home}">{e(outlet["name"])}</a>
    <nav class="main-menu">
      <ul>
        <li><a href="{home}">Home</a></li>
{nav}
      </ul>
    </nav>
  </header>
  <main class="{main_cls}">
    <article>
      <header class="article-header">
        <h1>{e(art["title"])}</h1>
        <div class="{byline_cls}">By <span class="author">{e(art["author"])}</span> &middot; <time datetime="{pub}">{human}</time></div>
      </header>
{paras}
    </article>
{comments_html}  </main>
  <aside class="sidebar">
    <h2>Related stories</h2>
    <ul class="related">
{rel}
    </ul>
  </aside>
  <footer class="site-footer">
    <p>&copy; 2026 {e(outlet["name"])}. A fictional outlet created for the narrative-radar demo.</p>
    <p><a href="{home}/about">About us</a> &middot; <a href="{home}/contact">Contact</a> &middot; <a href="{home}/privacy">Privacy</a></p>
  </footer>
</body>
</html>
"""


def render_feed(outlet: dict, items: list[dict]) -> str:
    x = xml_escape
    fmt = outlet["format"]
    slug = outlet["slug"]
    home = f"{BASE}/{slug}"
    self_url = f"{BASE}/feeds/{slug}.xml"
    title = x(outlet["name"])
    desc = x(f"Latest stories from {outlet['name']} (fictional demo outlet).")
    newest = items[0]["published"]
    if fmt == "rss2":
        out = ['<?xml version="1.0" encoding="UTF-8"?>',
               '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom" xmlns:dc="http://purl.org/dc/elements/1.1/">',
               "<channel>", f"  <title>{title}</title>", f"  <link>{home}</link>",
               f'  <atom:link href="{self_url}" rel="self" type="application/rss+xml"/>',
               f"  <description>{desc}</description>", "  <language>en</language>",
               f"  <lastBuildDate>{rfc822(newest)}</lastBuildDate>"]
        for it in items:
            out += ["  <item>", f"    <title>{x(it['title'])}</title>", f"    <link>{x(it['link'])}</link>",
                    f'    <guid isPermaLink="false">{x(it["guid"])}</guid>',
                    f"    <pubDate>{rfc822(it['published'])}</pubDate>",
                    f"    <dc:creator>{x(it['author'])}</dc:creator>",
                    f"    <description>{x(it['description'])}</description>", "  </item>"]
        out += ["</channel>", "</rss>"]
    elif fmt == "atom":
        out = ['<?xml version="1.0" encoding="utf-8"?>', '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">',
               f"  <title>{title}</title>", f"  <subtitle>{desc}</subtitle>",
               f'  <link rel="alternate" type="text/html" href="{home}"/>',
               f'  <link rel="self" type="application/atom+xml" href="{self_url}"/>',
               f"  <id>urn:narrative-radar-demo:{slug}</id>", f"  <updated>{iso_z(newest)}</updated>"]
        for it in items:
            out += ["  <entry>", f"    <title>{x(it['title'])}</title>",
                    f'    <link rel="alternate" type="text/html" href="{x(it["link"])}"/>',
                    f"    <id>urn:narrative-radar-demo:{x(it['guid'])}</id>",
                    f"    <published>{iso_z(it['published'])}</published>",
                    f"    <updated>{iso_z(it['published'])}</updated>",
                    f"    <author><name>{x(it['author'])}</name></author>",
                    f'    <summary type="text">{x(it["description"])}</summary>', "  </entry>"]
        out += ["</feed>"]
    elif fmt == "rdf":
        out = ['<?xml version="1.0" encoding="UTF-8"?>',
               ('<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"'
                ' xmlns:dc="http://purl.org/dc/elements/1.1/">'),
               f'  <channel rdf:about="{self_url}">', f"    <title>{title}</title>", f"    <link>{home}</link>",
               f"    <description>{desc}</description>", f"    <dc:date>{iso_z(newest)}</dc:date>",
               "    <items>", "      <rdf:Seq>"]
        out += [f'        <rdf:li rdf:resource="{x(it["link"])}"/>' for it in items]
        out += ["      </rdf:Seq>", "    </items>", "  </channel>"]
        for it in items:
            out += [f'  <item rdf:about="{x(it["link"])}">', f"    <title>{x(it['title'])}</title>",
                    f"    <link>{x(it['link'])}</link>", f"    <description>{x(it['description'])}</description>",
                    f"    <dc:creator>{x(it['author'])}</dc:creator>",
                    f"    <dc:date>{iso_z(it['published'])}</dc:date>", "  </item>"]
        out += ["</rdf:RDF>"]
    else:
        raise ValueError(fmt)
    return "\n".join(out) + "\n"


def render_broken_feed(name: str, slug: str) -> str:
    e = html.escape
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>{e(name)} - Page not available</title>
</head>
<body>
  <header><a href="{BASE}/{slug}">{e(name)}</a></header>
  <main>
    <h1>Our news feed has moved</h1>
    <p>We are rebuilding our website. The RSS service is temporarily unavailable.</p>
    <p>Please visit our <a href="{BASE}/{slug}">home page</a> for the latest stories.</p>
  </main>
  <footer><p>&copy; 2026 {e(name)} (fictional demo outlet)</p></footer>
</body>
</html>
"""


# --------------------------------------------------------------------------------------
# Build
# --------------------------------------------------------------------------------------
def jsd(p: Counter, q: Counter) -> float:
    keys = set(p) | set(q)
    sp, sq = sum(p.values()) or 1, sum(q.values()) or 1
    out = 0.0
    for k in keys:
        a, b = p[k] / sp, q[k] / sq
        m = (a + b) / 2
        if a:
            out += 0.5 * a * math.log2(a / m)
        if b:
            out += 0.5 * b * math.log2(b / m)
    return out


def iso_week(day: dt.date) -> str:
    y, w, _ = day.isocalendar()
    return f"{y}-W{w:02d}"


def main() -> None:
    rng = random.Random(SEED)
    _USED_PARAGRAPHS.clear()
    if CORPUS_DIR.exists():
        shutil.rmtree(CORPUS_DIR)
    (CORPUS_DIR / "feeds").mkdir(parents=True)
    (CORPUS_DIR / "articles").mkdir(parents=True)

    outlets = []
    for i, (name, camp, fmt, comments) in enumerate(OUTLETS):
        authors = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(3)]
        outlets.append({"name": name, "slug": slugify(name), "camp": camp, "format": fmt,
                        "comments": comments, "template": i % 3, "authors": authors})
    by_name = {o["name"]: o for o in outlets}
    days = [START + dt.timedelta(days=d) for d in range(N_DAYS)]

    forced = defaultdict(int)  # (outlet, day) -> minimum number of own articles
    for d in SYNDICATION_DATES:
        forced[(SYNDICATED_FROM, d)] = 1
    for o, d in MISSING_PAGES + [OWN_UTM_ITEM]:
        forced[(o, d)] = 1

    articles = []  # unique pages (and missing pages)
    feed_items = defaultdict(list)
    used_slugs = set()
    titles_taken = defaultdict(set)
    scheduler = LabelScheduler(rng)

    def new_article(o: dict, day: dt.date, labels: list, kind: str) -> dict:
        vc = voice_camp(o["name"], o["camp"], day)
        paras = make_article(rng, labels, day)
        title = make_title(rng, paras[0], titles_taken[o["name"]])
        base_slug = slugify(title, 50)
        slug = f"{day.isoformat()}-{base_slug}"
        k = 2
        while (o["slug"], slug) in used_slugs:
            slug = f"{day.isoformat()}-{base_slug}-{k}"
            k += 1
        used_slugs.add((o["slug"], slug))
        t = dt.datetime.combine(day, dt.time(rng.randint(6, 21), rng.choice(range(0, 60, 5))))
        art = {"outlet": o["name"], "outlet_slug": o["slug"], "camp": o["camp"], "voice_camp": vc, "date": day,
               "published": t, "title": title, "author": rng.choice(o["authors"]),
               "path": f"/articles/{o['slug']}/{slug}.html", "paragraphs": paras,
               "description": make_description(paras), "kind": kind, "page_missing": False}
        articles.append(art)
        return art

    for day in days:
        for o in outlets:
            r = rng.random()
            n = 0 if r < 0.10 else (2 if r > 0.90 else 1)
            n = max(n, forced[(o["name"], day)])
            vc = voice_camp(o["name"], o["camp"], day)
            for _ in range(n):
                new_article(o, day, scheduler.labels(o["name"], vc, day), "regular")
            if day == SPIKE_DATE and o["camp"] == "china_friendly":
                for _ in range(SPIKE_EXTRA_PER_OUTLET):
                    k = rng.choice([2, 3])
                    labels = [("russia_sold_out_china", CLAIM)] * k + [NEUTRAL] * (4 - k)
                    new_article(o, day, labels, "spike")

    # times within an outlet-day must differ; nudge duplicates
    seen = set()
    for a in sorted(articles, key=lambda a: (a["outlet"], a["published"])):
        while (a["outlet"], a["published"]) in seen:
            a["published"] += dt.timedelta(minutes=17)
        seen.add((a["outlet"], a["published"]))

    # missing pages
    missing = []
    for oname, d in MISSING_PAGES:
        a = next(a for a in articles if a["outlet"] == oname and a["date"] == d)
        a["page_missing"] = True
        missing.append(a)

    # feed items: one per article, plus syndication replacements
    syndicated = []
    synd_replace = {}
    for d in SYNDICATION_DATES:
        src = next(a for a in articles if a["outlet"] == SYNDICATED_FROM and a["date"] == d)
        own = [a for a in articles if a["outlet"] == SYNDICATOR and a["date"] == d]
        synd_replace[d] = (src, own[0] if own else None)
    dropped = {id(v[1]) for v in synd_replace.values() if v[1] is not None}
    articles = [a for a in articles if id(a) not in dropped]  # syndicator's own page for that slot is not written

    own_utm_done = False
    for a in articles:
        link = f"{BASE}{a['path']}"
        if (a["outlet"], a["date"]) == OWN_UTM_ITEM and not own_utm_done and not a["page_missing"]:
            link += "?utm_source=rss"
            own_utm_done = True
        feed_items[a["outlet"]].append({"title": a["title"], "link": link, "guid": f"{a['outlet_slug']}:{a['path'].rsplit('/', 1)[1][:-5]}",
                                        "published": a["published"], "author": a["author"],
                                        "description": a["description"]})
    for d, (src, own) in synd_replace.items():
        link = f"{BASE}{src['path']}" + (UTM if d in SYNDICATION_UTM else "")
        t = src["published"] + dt.timedelta(minutes=40)
        feed_items[SYNDICATOR].append({"title": src["title"], "link": link,
                                       "guid": f"{by_name[SYNDICATOR]['slug']}:wire-{d.isoformat()}",
                                       "published": t, "author": src["author"], "description": src["description"]})
        syndicated.append({"syndicator": SYNDICATOR, "original_outlet": SYNDICATED_FROM, "date": d.isoformat(),
                           "feed_link": link, "canonical_url": f"{BASE}{src['path']}",
                           "has_tracking_params": d in SYNDICATION_UTM})

    # write pages
    by_outlet = defaultdict(list)
    for a in articles:
        by_outlet[a["outlet"]].append(a)
    comment_pages = 0
    for oname, arts in by_outlet.items():
        o = by_name[oname]
        arts.sort(key=lambda a: a["published"])
        (CORPUS_DIR / "articles" / o["slug"]).mkdir(parents=True, exist_ok=True)
        for i, a in enumerate(arts):
            prev = [b for b in arts[max(0, i - 6):i] if not b["page_missing"]][-4:]
            if len(prev) < 3:
                prev = [b for b in arts[i + 1:i + 6] if not b["page_missing"]][:4]
            comments = []
            if o["comments"] and rng.random() < 0.6:
                comments = [(rng.choice(COMMENTERS), c) for c in rng.sample(COMMENTS, rng.randint(2, 4))]
                comment_pages += 1
            a["comments"] = [c for _, c in comments]
            if a["page_missing"]:
                continue
            (CORPUS_DIR / a["path"].lstrip("/")).write_text(render_page(o, a, prev, comments), encoding="utf-8")

    # write feeds
    for o in outlets:
        items = sorted(feed_items[o["name"]], key=lambda it: it["published"], reverse=True)
        (CORPUS_DIR / "feeds" / f"{o['slug']}.xml").write_text(render_feed(o, items), encoding="utf-8")
    broken_slug = slugify(BROKEN_OUTLET[0])
    (CORPUS_DIR / "feeds" / f"{broken_slug}.xml").write_text(render_broken_feed(BROKEN_OUTLET[0], broken_slug),
                                                           encoding="utf-8")

    # sources.yaml
    lines = ["# narrative-radar demo outlets. ALL FICTIONAL: names, people and text are invented for the demo.",
             "# {{BASE}} is replaced by the demo server with http://127.0.0.1:PORT when serving.",
             "# Generated by demo/build_corpus.py -- do not edit by hand.", "sources:"]
    for o in outlets + [{"name": BROKEN_OUTLET[0], "slug": broken_slug, "camp": BROKEN_OUTLET[1]}]:
        lines += [f'  - name: "{o["name"]}"', f'    feed_url: "{BASE}/feeds/{o["slug"]}.xml"',
                  f'    camp: {o["camp"]}', f'    tier: {tier_of(o["name"], o["camp"])}', "    language: en",
                  f'    homepage: "{BASE}/{o["slug"]}"']
    (DEMO_DIR / "sources.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    # ground truth
    with (DEMO_DIR / "ground_truth.jsonl").open("w", encoding="utf-8") as fh:
        for a in sorted(articles, key=lambda a: (a["published"], a["outlet"])):
            fh.write(json.dumps({
                "url": f"{BASE}{a['path']}", "outlet": a["outlet"], "camp": a["camp"], "voice_camp": a["voice_camp"],
                "date": a["date"].isoformat(), "iso_week": iso_week(a["date"]), "published": iso_z(a["published"]),
                "title": a["title"], "kind": a["kind"], "page_missing": a["page_missing"],
                "feed_summary": a["description"], "comments": a["comments"],
                "paragraphs": [{"narrative": p["narrative"], "stance": p["stance"], "topic": p["topic"],
                                "words": p["words"], "starts_with": " ".join(p["text"].split()[:10])}
                               for p in a["paragraphs"]],
            }, ensure_ascii=False) + "\n")

    # ---------------- statistics from ground truth -> planted.json ----------------
    paras_all = [p for a in articles for p in a["paragraphs"]]
    n_neutral = sum(p["narrative"] is None for p in paras_all)

    def count(camp, narrative, stance, day, unit="paragraphs"):
        tot = 0
        for a in articles:
            if a["camp"] == camp and a["date"] == day:
                hits = sum(p["narrative"] == narrative and (stance is None or p["stance"] == stance)
                           for p in a["paragraphs"])
                tot += hits if unit == "paragraphs" else int(hits > 0)
        return tot

    spike_stats = {}
    for unit in ("paragraphs", "articles"):
        on = count("china_friendly", "russia_sold_out_china", CLAIM, SPIKE_DATE, unit)
        prev = [count("china_friendly", "russia_sold_out_china", CLAIM, SPIKE_DATE - dt.timedelta(days=k), unit)
                for k in range(1, 15)]
        base = sum(prev) / 14
        spike_stats[unit] = {"on_spike_day": on, "mean_previous_14_days": round(base, 3),
                             "observed_factor": round(on / base, 2) if base else None}

    daily_par, daily_art = Counter(), Counter()
    for a in articles:
        seen_n = set()
        for p in a["paragraphs"]:
            if p["narrative"]:
                daily_par[(a["camp"], p["narrative"], a["date"])] += 1
                seen_n.add(p["narrative"])
        for nid in seen_n:
            daily_art[(a["camp"], nid, a["date"])] += 1
    spike_key = ("china_friendly", "russia_sold_out_china", SPIKE_DATE)
    noise_ceiling = {
        "paragraphs": max(v for k, v in daily_par.items() if k != spike_key),
        "articles": max(v for k, v in daily_art.items() if k != spike_key),
        "note": "largest daily (camp, narrative) count anywhere except the planted spike; "
                "a spike detector with a minimum daily count above this flags only the planted spike",
    }

    weeks = sorted({iso_week(d) for d in days})

    def camp_week_counter(camp, week):
        c = Counter()
        for a in articles:
            if a["camp"] == camp and iso_week(a["date"]) == week:
                for p in a["paragraphs"]:
                    if p["narrative"]:
                        c[(p["narrative"], p["stance"])] += 1
        return c

    div = {w: {"russia_vs_china": round(jsd(camp_week_counter("russia_friendly", w), camp_week_counter("china_friendly", w)), 4),
               "resistance_vs_china": round(jsd(camp_week_counter("resistance", w), camp_week_counter("china_friendly", w)), 4),
               "resistance_vs_russia": round(jsd(camp_week_counter("resistance", w), camp_week_counter("russia_friendly", w)), 4)}
           for w in weeks}

    flat = ["europe_decline", "deep_state_purge"]
    flat_weekly = {n: {camp: [sum(p["narrative"] == n for a in articles if a["camp"] == camp and iso_week(a["date"]) == w
                                  for p in a["paragraphs"]) for w in weeks]
                       for camp in sorted({o["camp"] for o in outlets})} for n in flat}

    planted = {
        "description": "Planted facts of the narrative-radar demo corpus (fictional outlets, invented text).",
        "seed": SEED,
        "base_placeholder": BASE,
        "calendar": {"first_day": days[0].isoformat(), "last_day": days[-1].isoformat(), "days": N_DAYS,
                     "iso_weeks": weeks},
        "event_date": EVENT_DATE.isoformat(),
        "event_week": iso_week(EVENT_DATE),
        "event": "simulated US-Russia summit",
        "bifurcation": {
            "camps": ["russia_friendly", "china_friendly"],
            "similar_before_event": True,
            "diverge_from_week": iso_week(EVENT_DATE),
            "divergence_grows_over_weeks": ["2026-W05", "2026-W06", "2026-W07"],
            "russia_friendly_after_event": {
                "claims": ["us_russia_new_detente", "peace_through_great_power_deals", "china_iran_should_negotiate"],
                "rebuts": ["russia_sold_out_china"]},
            "china_friendly_after_event": {"claims": ["russia_sold_out_china", "reverse_nixon"],
                                           "rebuts": ["us_russia_new_detente"]},
            "resistance_after_event": {"closer_to": "china_friendly",
                                       "claims": ["russia_sold_out_china", "reverse_nixon"],
                                       "rebuts": ["resistance_axis_defeated", "us_russia_new_detente"]},
            "ground_truth_jsd_by_week": div,
        },
        "expected_sides_after_event": {
            "note": "2-way split of russia_friendly, china_friendly and resistance outlets plus the crossing outlet",
            "russia_side": sorted(o["name"] for o in outlets if o["camp"] == "russia_friendly"),
            "china_side": sorted(o["name"] for o in outlets if o["camp"] in ("china_friendly", "resistance")),
            "crossing_outlet_side_by_week": {w: ("russia_friendly" if w <= iso_week(EVENT_DATE) else "china_friendly")
                                             for w in weeks if w >= iso_week(EVENT_DATE)},
        },
        "crossing": {"outlet": CROSSING_OUTLET, "configured_camp": by_name[CROSSING_OUTLET]["camp"],
                     "from_side_camp": "russia_friendly", "to_side_camp": "china_friendly",
                     "last_week_on_from_side": "2026-W05", "first_week": iso_week(CROSS_DATE),
                     "first_day": CROSS_DATE.isoformat()},
        "spike": {"date": SPIKE_DATE.isoformat(), "camp": "china_friendly", "narrative_id": "russia_sold_out_china",
                  "stance": CLAIM, "factor": 4, "baseline_window_days": 14,
                  "extra_articles_per_outlet": SPIKE_EXTRA_PER_OUTLET, "ground_truth": spike_stats,
                  "noise_ceiling_elsewhere": noise_ceiling},
        "flat_narratives": flat,
        "flat_narratives_weekly_paragraphs": {"weeks": weeks, "counts": flat_weekly},
        "western_mainstream": "mostly neutral plus rebuttals (europe_decline, deep_state_purge, us_russia_new_detente, "
                              "reverse_nixon, peace_through_great_power_deals), steady throughout",
        "broken_outlet": {"name": BROKEN_OUTLET[0], "camp": BROKEN_OUTLET[1],
                          "feed_url": f"{BASE}/feeds/{broken_slug}.xml",
                          "problem": "feed URL serves an HTML page, not a feed (zero entries)"},
        "missing_pages": [{"outlet": a["outlet"], "date": a["date"].isoformat(), "url": f"{BASE}{a['path']}",
                           "title": a["title"], "feed_summary": a["description"]} for a in missing],
        "syndicated": syndicated,
        "tracking_param_links": [it["link"] for o in outlets for it in feed_items[o["name"]] if "utm_" in it["link"]],
        "comments": {"pages_with_comments": comment_pages, "comment_texts": COMMENTS,
                     "note": "comment text sits in <section class=\"comments\"> and must never become a passage"},
        "counts": {
            "outlets": len(outlets) + 1,
            "outlets_with_working_feeds": len(outlets),
            "feed_items": sum(len(v) for v in feed_items.values()),
            "articles": len(articles),
            "article_pages_written": len(articles) - len(missing),
            "articles_missing_page": len(missing),
            "spike_extra_articles": sum(a["kind"] == "spike" for a in articles),
            "paragraphs": len(paras_all),
            "neutral_paragraphs": n_neutral,
            "neutral_share": round(n_neutral / len(paras_all), 3),
            "days": N_DAYS,
            "articles_by_camp": dict(sorted(Counter(a["camp"] for a in articles).items())),
        },
        "narratives": sorted({k[0] for k in POOLS}),
    }
    (DEMO_DIR / "planted.json").write_text(json.dumps(planted, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    print(f"outlets={len(outlets) + 1} feed_items={planted['counts']['feed_items']} articles={len(articles)} "
          f"pages={len(articles) - len(missing)} paragraphs={len(paras_all)} neutral={planted['counts']['neutral_share']}")
    print("spike:", spike_stats)
    print("jsd:", json.dumps(div))


if __name__ == "__main__":
    main()
