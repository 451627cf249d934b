"""Police indicators through look-alike letters, compounds, domains, agencies and many languages,
and ordinary names that merely look close."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from server.domain.folding import fold, words
from server.domain.misrepresentation import police_matches

CYRILLIC_PO = "\u0420\u043e"  # Cyrillic capital Er and small o, which look like Latin "Po"


@pytest.mark.parametrize(("written", "plain"), [
    (f"{CYRILLIC_PO}lice", "police"),
    ("P0L1CE", "police"),
    ("po1ice", "police"),
    ("Po|ice", "police"),
    ("\U0001d429\U0001d428\U0001d425\U0001d422\U0001d41c\U0001d41e", "police"),  # mathematical bold
    ("\uff30\uff2f\uff2c\uff29\uff23\uff25", "police"),  # fullwidth
    ("Pol\u200bice", "police"),  # zero-width space
    ("Pol\u3164ice", "police"),  # Hangul filler: a letter that shows as nothing
    ("P\u115folice", "police"),  # Hangul choseong filler
    ("Poli\uffa0ce", "police"),  # halfwidth Hangul filler
    ("\u03a1\u039f\u004c\u0399\u0421\u0395", "police"),  # Greek Rho, Omicron, Iota and Cyrillic Es, Ie
    ("Policía", "policia"),
    ("\u1d18\u1d0f\u029f\u026a\u1d04\u1d07", "police"),  # small capitals
    ("\U0001f17folice", "police"),  # a P in a black square
    ("\u0130STANBUL", "istanbul"),
])
def test_look_alike_spellings_fold_to_the_plain_word(written: str, plain: str) -> None:
    assert fold(written) == fold(plain)


def test_folding_keeps_words_of_other_scripts_whole() -> None:
    assert words("서울지방경찰청") == (fold("서울지방경찰청"),) and "경찰" in fold("서울지방경찰청")
    assert words("उत्तर प्रदेश पुलिस")[-1] == fold("पुलिस")
    assert words("Mossos d'Esquadra") == (fold("mossos"), "d", fold("esquadra"))


@pytest.mark.parametrize(("organization", "email", "fragment"), [
    # look-alikes and obfuscation
    (f"Kent {CYRILLIC_PO}lice", "a@kent.example", "'police'"),
    ("Springfield P0L1CE Analytics", "a@x.example", "'police'"),
    ("Springfield Po1ice", "a@x.example", "'police'"),
    ("\U0001d40f\U0001d428\U0001d425\U0001d422\U0001d41c\U0001d41e Data", "a@x.example", "'police'"),
    # compounds
    ("Polizeipräsidium München", "a@x.example", "'polizei'"),
    ("Kantonspolizei Zürich", "a@x.example", "'polizei'"),
    ("Politieacademie", "a@x.example", "'politie'"),
    ("Polismyndigheten", "a@x.example", "'polismyndighet'"),
    ("Keskusrikospoliisi", "a@x.example", "'poliisi'"),
    ("Rigspolitiet", "a@x.example", "'rigspoliti'"),
    ("Jandarma Genel Komutanlığı", "a@x.example", "'jandarma'"),
    # languages and scripts
    ("Policía Nacional", "a@x.example", "Spanish"),
    ("Polícia Judiciária", "a@x.example", "Portuguese"),
    ("Préfecture de Police", "a@x.example", "'police'"),
    ("Polizia di Stato", "a@x.example", "'polizia'"),
    ("Komenda Główna Policji", "a@x.example", "Polish"),
    ("Policie České republiky", "a@x.example", "Czech"),
    ("Politiet i Oslo", "a@x.example", "Norwegian"),
    ("Emniyet Genel Müdürlüğü", "a@x.example", "Turkish"),
    ("Ελληνική Αστυνομία", "a@x.example", "Greek"),
    ("Национальная полиция", "a@x.example", "Russian"),
    ("Національна поліція України", "a@x.example", "Ukrainian"),
    ("شرطة دبي", "a@x.example", "Arabic"),
    ("משטרת ישראל", "a@x.example", "Hebrew"),
    ("उत्तर प्रदेश पुलिस", "a@x.example", "Hindi"),
    ("北京市公安局", "a@x.example", "Chinese"),
    ("大阪府警察本部", "a@x.example", "'警察'"),
    ("서울지방경찰청", "a@x.example", "Korean"),
    ("สำนักงานตำรวจแห่งชาติ", "a@x.example", "Thai"),
    ("Kepolisian Negara Republik Indonesia", "a@x.example", "Indonesian"),
    ("Polis Diraja Malaysia", "a@x.example", "Malay"),
    ("Bộ Công an", "a@x.example", "Vietnamese"),
    ("Jeshi la Polisi Tanzania", "a@x.example", "Swahili"),
    ("Guardia Civil", "a@x.example", "'guardia civil'"),
    ("Arma dei Carabinieri", "a@x.example", "'carabinieri'"),
    ("Gendarmerie nationale", "a@x.example", "'gendarmerie'"),
    # agencies, full names and acronyms
    ("Federal Bureau of Investigation", "a@x.example", "agency, US"),
    ("FBI Field Office Analytics", "a@x.example", "'FBI'"),
    ("Drug Enforcement Administration", "a@x.example", "agency, US"),
    ("ICE Detention Services", "a@x.example", "'ICE'"),
    ("DEA Lab Services", "a@x.example", "'DEA'"),
    ("ATF Support", "a@x.example", "'ATF'"),
    ("CBP Contractors", "a@x.example", "'CBP'"),
    ("NCA Analytics", "a@x.example", "'NCA'"),
    ("BKA Wiesbaden", "a@x.example", "'BKA'"),
    ("GNR Lisboa", "a@x.example", "'GNR'"),
    ("National Crime Agency", "a@x.example", "agency, GB"),
    ("Europol", "a@x.example", "'Europol'"),
    ("Interpol Washington", "a@x.example", "'Interpol'"),
    # email domains
    ("Acme Analytics", "a@polizei-bayern.de", "email domain polizei-bayern.de contains 'polizei'"),
    ("Acme Analytics", "a@nypd.gov", "contains 'NYPD'"),
    ("Acme Analytics", "a@metpolice.uk", "contains 'police'"),
    ("Acme Analytics", "a@ice.dhs.gov", "contains 'ICE'"),
    ("Acme Analytics", "a@guardiacivil.es", "contains 'guardia civil'"),
    ("Acme Analytics", "a@xn--plizei-bayern-imb.de", "contains 'polizei'"),  # pölizei-bayern.de
    ("Acme Analytics", "analyst@met.police.uk", "ends with .police.uk"),
    ("Acme Analytics", "analyst@pd.springfield.gov", "contains 'pd'"),
    ("Kent P\u3164olice Analytics", "a@x.example", "'police'"),  # an invisible letter inside the word
    # capitals: some Cyrillic and Greek capitals fold to other look-alikes than their small letters
    ("Милиция", "a@x.example", "'милици'"),
    ("ПОЛИЦИЯ МОСКВЫ", "a@x.example", "'полици'"),
    ("НАЦІОНАЛЬНА ПОЛІЦІЯ", "a@x.example", "'поліці'"),
    ("СЛЕДСТВЕННЫЙ КОМИТЕТ", "a@x.example", "'следственный комитет'"),
    ("ΕΛΛΗΝΙΚΗ ΑΣΤΥΝΟΜΙΑ", "a@x.example", "'αστυνομ'"),
    # spelled out a letter at a time, between spaces, dots or hyphens
    ("P O L I C E", "a@x.example", "'police'"),
    ("P.o.l.i.c.e Services", "a@x.example", "'police'"),
    ("P-O-L-I-C-E Analytics", "a@x.example", "'police'"),
    ("F.B.I. Liaison Office", "a@x.example", "'FBI'"),
    ("F B I", "a@x.example", "'FBI'"),
    ("N.Y.P.D. Analytics", "a@x.example", "'NYPD'"),
    ("I.C.E. Field Office", "a@x.example", "'ICE'"),
    ("Acme Analytics", "a@p-o-l-i-c-e.example", "contains 'police'"),
    # a word cut by a space, named Latin letters
    ("Pol ice Analytics", "a@x.example", "'police'"),
    ("Kent Polic e", "a@x.example", "'police'"),
    ("\u1d18\u1d0f\u029f\u026a\u1d04\u1d07 Data", "a@x.example", "'police'"),
    ("\U0001f17folice Data", "a@x.example", "'police'"),
    # names and abbreviations forces go by
    ("Scotland Yard Analytics", "a@x.example", "'scotland yard'"),
    ("Border Force Support", "a@x.example", "'border force'"),
    ("Guardia Urbana de Barcelona", "a@x.example", "'guardia urbana'"),
    ("Springfield PD", "a@x.example", "'PD'"),
    ("Springfield P.D.", "a@x.example", "'PD'"),
    ("Militsiya Services", "a@x.example", "Russian"),
    ("Міліцыя Мінска", "a@x.example", "Belarusian"),
    ("Acme Analytics", "a@hq.spf.gov.sg", "ends with .spf.gov.sg"),
    # a webmail address says who writes only before the @
    ("Acme Analytics", "metpolice.ops@gmail.com", "email address metpolice.ops@gmail.com contains 'police'"),
    ("Acme Analytics", "sheriff.office@outlook.com", "contains 'sheriff'"),
])
def test_signups_that_read_as_police_are_caught(organization: str, email: str, fragment: str) -> None:
    matches = police_matches(organization, email)
    assert any(fragment in match for match in matches), matches


@pytest.mark.parametrize(("organization", "email"), [
    ("Policy Lab", "a@policy.example"),
    ("Polish Bakery", "a@polish-bakery.example"),
    ("Politecnico di Milano", "a@polimi.it"),
    ("Copland Music", "a@copland.example"),
    ("Political Science Department", "a@politics.example"),
    ("Policies and Procedures Ltd", "a@x.example"),
    ("Politiek Centrum Amsterdam", "a@x.example"),
    ("Interpolation Labs", "a@interpolation.example"),
    ("Metropolis Photo", "a@updates.example.com"),
    ("Minneapolis Arts Council", "a@x.example"),
    ("Impolite Robots Ltd", "team@spd-analytics.example"),
    ("Sheriffmuir Bakery", "a@bakery.example"),
    ("Ice Cream Company", "a@ice.example"),
    ("Dead Sea Cosmetics", "a@deadsea.example"),
    ("Acme", "a@dea.example"),
    ("Kong and Co", "a@congan-ideas.example"),
    ("A B C Nursery", "a@x.example"),
    ("J. R. R. Tolkien Society", "a@x.example"),
    ("Napol Icecream", "a@x.example"),
    ("Ice Cream Pol", "a@x.example"),
    ("Pd Analytics", "a@x.example"),
    ("Acme", "pd@acme.example"),
    ("Acme", "copland.fan@gmail.com"),
    ("Acme", "policy.team@gmail.com"),
])
def test_ordinary_names_that_only_look_close_are_not_caught(organization: str, email: str) -> None:
    assert police_matches(organization, email) == ()


def test_every_language_the_review_promises_is_in_the_data_with_a_source() -> None:
    raw = json.loads(resources.files("server").joinpath("data/police_indicators.json").read_text("utf-8"))
    listed = {language["code"] for language in raw["languages"] if language["words"] or language["parts"]}
    assert {"en", "es", "pt", "fr", "de", "nl", "it", "pl", "cs", "sv", "no", "da", "fi", "tr", "el", "ru", "uk",
            "ar", "he", "hi", "zh", "ja", "ko", "th", "id", "ms", "vi", "sw", "be"} <= listed
    assert all(entry["source"].strip() for entry in [*raw["languages"], *raw["agencies"]])
