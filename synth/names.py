"""Indonesian-looking name parts for fictional people (common words, no real person intended)."""

from __future__ import annotations

import random

MALE_SINGLE = (
    "SUPARMAN",
    "SUTRISNO",
    "WAGIMIN",
    "SUKIRMAN",
    "PAIJO",
    "SUGIYONO",
    "MULYADI",
    "SUPRIYADI",
    "SUMARNO",
    "PARJIMAN",
    "SLAMET",
    "TUGIMAN",
    "SAMINGAN",
    "JUMADI",
    "KARSONO",
    "SAMSUDIN",
)
FEMALE_SINGLE = (
    "SUKARNI",
    "SUMIATI",
    "PAINEM",
    "TUKINEM",
    "WAGINAH",
    "SUPARTI",
    "SITI",
    "MARYATI",
    "SUGIYEM",
    "JUMINAH",
    "PONIYEM",
    "SUWARNI",
    "SRIYATUN",
    "SUNARSIH",
)
MALE_FIRST = (
    "AHMAD",
    "AGUS",
    "BUDI",
    "DEDI",
    "EKO",
    "FAJAR",
    "HENDRA",
    "IRFAN",
    "JOKO",
    "RUDI",
    "BAMBANG",
    "DANANG",
    "ARIF",
    "YOGA",
    "RIZKY",
    "ANDI",
    "DWI",
    "BAYU",
    "GILANG",
    "HERU",
    "IMAM",
    "TAUFIK",
    "WAHYU",
    "YUSUF",
    "ANTONIUS",
    "YOHANES",
    "FRANSISKUS",
    "STEFANUS",
    "ABDUL",
    "NUR",
    "SYAMSUL",
    "RAHMAT",
    "KOMARUDIN",
    "ILHAM",
    "REZA",
    "DIMAS",
)
FEMALE_FIRST = (
    "SITI",
    "SRI",
    "DEWI",
    "RINA",
    "NUR",
    "ANI",
    "DIAN",
    "FITRI",
    "INDAH",
    "LESTARI",
    "MEGA",
    "NOVI",
    "PUTRI",
    "RATNA",
    "WULAN",
    "YULI",
    "AYU",
    "ENDANG",
    "ERNA",
    "TRI",
    "KARTIKA",
    "MARIA",
    "MAGDALENA",
    "THERESIA",
    "ANNISA",
    "NURUL",
    "RAHMAWATI",
    "YUNITA",
)
MALE_REST = (
    "SANTOSO",
    "SETIAWAN",
    "HIDAYAT",
    "PRASETYO",
    "NUGROHO",
    "KURNIAWAN",
    "SAPUTRA",
    "WIBOWO",
    "SUSANTO",
    "HARTONO",
    "GUNAWAN",
    "FIRMANSYAH",
    "RAMADHAN",
    "PRATAMA",
    "WIJAYA",
    "SUBAGYO",
    "MAULANA",
    "HAKIM",
    "RIYADI",
    "SUGIHARTO",
    "PURNOMO",
    "HARYANTO",
    "SIMANJUNTAK",
    "NAINGGOLAN",
    "SIREGAR",
    "LUBIS",
    "SITORUS",
    "HUTAPEA",
)
FEMALE_REST = (
    "LESTARI",
    "RAHAYU",
    "WATI",
    "SUSANTI",
    "HANDAYANI",
    "PUSPITASARI",
    "WULANDARI",
    "KURNIASIH",
    "PERTIWI",
    "MAHARANI",
    "ANGGRAINI",
    "NOVITASARI",
    "SARI",
    "UTAMI",
    "ASTUTI",
    "WAHYUNI",
    "RAHMAWATI",
    "PURWANTI",
    "SETYANINGSIH",
    "KARTIKASARI",
    "FEBRIANTI",
    "SIMANJUNTAK",
    "SIREGAR",
)
# Arabic-derived names written with an apostrophe, as on many e-KTPs
APOSTROPHE_MALE = ("MA'RUF", "SYAFI'I", "NU'MAN", "MUSTAQI'IN", "RIFA'I", "JA'FAR", "SA'DULLAH")
APOSTROPHE_FEMALE = ("MU'AWANAH", "NI'MAH", "ROBI'AH", "KHOLIFATUN NI'MAH", "NA'IMAH")
# the same name spelled several ways (old and new spelling, transliteration)
VARIANTS = {
    "MUHAMMAD": ("MUHAMMAD", "MUHAMAD", "MOHAMMAD", "MOCHAMAD", "MOH.", "MUH."),
    "SUSANTI": ("SUSANTI", "SOESANTI"),
    "SUHARTO": ("SUHARTO", "SOEHARTO"),
    "SUDARMAN": ("SUDARMAN", "SOEDARMAN"),
    "YUSUF": ("YUSUF", "YUSUP", "JUSUF"),
    "NURHAYATI": ("NURHAYATI", "NUR HAYATI"),
}
BALI_MALE = ("I WAYAN", "I MADE", "I NYOMAN", "I KETUT", "I GEDE", "I PUTU")
BALI_FEMALE = ("NI WAYAN", "NI MADE", "NI NYOMAN", "NI KETUT", "NI LUH", "NI PUTU")
BALI_REST = ("SUDARSANA", "ARTAWAN", "WIDIASTUTI", "SUARTINI", "MERTAYASA", "ASTITI")


def make_name(rng: random.Random, sex: str, age: int) -> str:
    """A fictional name: single, two or three words, with apostrophes, H./HJ. or spelling variants."""
    male = sex == "L"
    roll = rng.random()
    if roll < 0.16:
        name = rng.choice(MALE_SINGLE if male else FEMALE_SINGLE)
    elif roll < 0.22:
        name = rng.choice(APOSTROPHE_MALE if male else APOSTROPHE_FEMALE)
        if rng.random() < 0.6:
            name = f"{rng.choice(MALE_FIRST if male else FEMALE_FIRST)} {name}"
    elif roll < 0.30:
        key = rng.choice(tuple(VARIANTS))
        if male:
            head = rng.choice(VARIANTS["MUHAMMAD"])
            name = (
                f"{head} {rng.choice(MALE_REST)}" if key != "YUSUF" else f"{head} {rng.choice(VARIANTS[key])}"
            )
        else:
            name = f"{rng.choice(FEMALE_FIRST)} {rng.choice(VARIANTS['SUSANTI'] + VARIANTS['NURHAYATI'])}"
    elif roll < 0.34:
        name = f"{rng.choice(BALI_MALE if male else BALI_FEMALE)} {rng.choice(BALI_REST)}"
    elif roll < 0.72:
        first, rest = (MALE_FIRST, MALE_REST) if male else (FEMALE_FIRST, FEMALE_REST)
        name = f"{rng.choice(first)} {rng.choice(rest)}"
    else:
        first = MALE_FIRST if male else FEMALE_FIRST
        rest = MALE_REST if male else FEMALE_REST
        one, two = rng.sample(first, 2)
        name = f"{one} {two} {rng.choice(rest)}"
    if age >= 40 and rng.random() < 0.08:  # the hajj title, printed on many older cards
        name = ("H. " if male else "HJ. ") + name
    return name
