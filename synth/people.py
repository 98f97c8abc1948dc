"""Fictional people with structurally valid NIKs, and the DPT voter-list CSV for them.

A NIK (DOMAIN.md §1) is district code (6) + day (+40 for women) + month + 2-digit year +
serial 0001-9999. People come in households that share an NKK and an address, as on a
Kartu Keluarga.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random
from collections.abc import Sequence
from dataclasses import dataclass

from synth.names import make_name
from synth.regions import DISTRICTS, District, regency_for

REFERENCE_DATE = dt.date(2024, 11, 27)  # Pilkada 2024 voting day: ages are counted on it

BIRTH_PLACES = (
    "JAKARTA",
    "BANDUNG",
    "BOGOR",
    "BEKASI",
    "SEMARANG",
    "SURABAYA",
    "YOGYAKARTA",
    "SLEMAN",
    "BANTUL",
    "KLATEN",
    "MAGELANG",
    "SURAKARTA",
    "MEDAN",
    "PADANG",
    "PALEMBANG",
    "MAKASSAR",
    "CIREBON",
    "TEGAL",
    "PURWOREJO",
    "WONOGIRI",
    "GUNUNG KIDUL",
    "KULON PROGO",
    "TANGERANG",
    "DEPOK",
    "GARUT",
    "KEBUMEN",
    "PEKALONGAN",
    "MALANG",
    "DENPASAR",
    "KUPANG",
    "AMBON",
)
OCCUPATIONS = (
    "KARYAWAN SWASTA",
    "WIRASWASTA",
    "MENGURUS RUMAH TANGGA",
    "PEDAGANG",
    "PETANI/PEKEBUN",
    "BURUH HARIAN LEPAS",
    "PELAJAR/MAHASISWA",
    "PENSIUNAN",
    "GURU",
    "BELUM/TIDAK BEKERJA",
    "SOPIR",
    "NELAYAN/PERIKANAN",
    "KARYAWAN HONORER",
    "TUKANG JAHIT",
    "PERAWAT",
    "BURUH TANI/PERKEBUNAN",
)
RELIGIONS = ("ISLAM", "ISLAM", "ISLAM", "ISLAM", "ISLAM", "KRISTEN", "KATHOLIK", "HINDU", "BUDDHA")
BLOOD_TYPES = ("-", "-", "-", "O", "A", "B", "AB")
STREETS = (
    "MELATI",
    "MAWAR",
    "KENANGA",
    "ANGGREK",
    "CEMPAKA",
    "FLAMBOYAN",
    "MANGGA",
    "RAMBUTAN",
    "KALIURANG",
    "MAGELANG",
    "SETIABUDI",
    "PETOJO",
    "KEBON SIRIH",
    "PASAR BARU",
    "KRAMAT RAYA",
    "HASANUDDIN",
    "DIPONEGORO",
    "SUDIRMAN",
    "GATOT SUBROTO",
    "H. SANUSI",
    "SEPAKAT",
    "DAMAI",
)
VILLAGES = (
    "SUKAMAJU",
    "MEKARSARI",
    "SIDOMULYO",
    "SIDOREJO",
    "SUMBERSARI",
    "TIRTOMARTANI",
    "CATURTUNGGAL",
    "CONDONGCATUR",
    "MAGUWOHARJO",
    "SARIHARJO",
    "SINDUADI",
    "TRIHANGGO",
    "PETOJO SELATAN",
    "KEBON KELAPA",
    "KARTINI",
    "GUNUNG SAHARI",
    "KAPUK",
    "PEGADUNGAN",
    "TEGAL ALUR",
    "WIJAYA KUSUMA",
    "SUNTER AGUNG",
    "RAWA BADAK",
    "SEMPER BARAT",
    "KALI ANYAR",
    "DUREN SAWIT",
    "SUKOHARJO",
)


@dataclass(frozen=True)
class Person:
    """A fictional resident. `sex` is "L"/"P"; `marital_status` is B (belum), S (sudah), P (pernah) kawin."""

    nik: str
    name: str
    birth_place: str
    birth_date: dt.date
    sex: str
    address: str
    rt: str  # 3 digits, "003"
    rw: str
    kel_desa: str
    district_code: str
    district_name: str
    marital_status: str
    occupation: str
    nkk: str
    religion: str = "ISLAM"
    blood_type: str = "-"
    tps: str = "001"

    @property
    def sex_word(self) -> str:
        return "LAKI-LAKI" if self.sex == "L" else "PEREMPUAN"

    @property
    def marital_word(self) -> str:
        """As printed on an e-KTP's Status Perkawinan line."""
        return {"B": "BELUM KAWIN", "S": "KAWIN", "P": "CERAI HIDUP"}[self.marital_status]

    @property
    def birth_date_text(self) -> str:
        """`17-08-1985`, the date as printed on forms and cards."""
        return self.birth_date.strftime("%d-%m-%Y")

    def age_on(self, day: dt.date = REFERENCE_DATE) -> int:
        years = day.year - self.birth_date.year
        return years - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))


def nik_for(district_code: str, birth_date: dt.date, sex: str, serial: int) -> str:
    """The NIK of DOMAIN.md §1 for these facts; `serial` is 1..9999."""
    if not (len(district_code) == 6 and district_code.isdigit()):
        raise ValueError("district_code must be 6 digits")
    if not 1 <= serial <= 9999:
        raise ValueError("serial must be 1..9999")
    day = birth_date.day + (40 if sex == "P" else 0)
    return f"{district_code}{day:02d}{birth_date.month:02d}{birth_date.year % 100:02d}{serial:04d}"


def _birth_date(rng: random.Random, age: int, ref: dt.date) -> dt.date:
    """A date on which someone born is exactly `age` years old on `ref`."""
    latest = _years_before(ref, age)
    earliest = _years_before(ref, age + 1) + dt.timedelta(days=1)
    return earliest + dt.timedelta(days=rng.randrange((latest - earliest).days + 1))


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def _address(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.45:
        return f"JL. {rng.choice(STREETS)} NO. {rng.randint(1, 120)}"
    if kind < 0.6:
        return f"GG. {rng.choice(STREETS)} NO. {rng.randint(1, 40)}{rng.choice(('', '', 'A', 'B'))}"
    if kind < 0.75:
        block = f"{rng.choice('ABCDEF')}{rng.randint(1, 12)}/{rng.randint(1, 30)}"
        return f"PERUM {rng.choice(STREETS)} BLOK {block}"
    if kind < 0.9:
        return (
            f"DUSUN {rng.choice(('KRAJAN', 'KARANGMALANG', 'NGENTAK', 'PLOSOKUNING', 'JETIS', 'SOROGENEN'))}"
        )
    return f"KP. {rng.choice(VILLAGES)}"


def make_people(
    n: int,
    seed: int,
    districts: Sequence[District] | None = None,
    *,
    reference_date: dt.date = REFERENCE_DATE,
    min_age: int = 17,
    max_age: int = 90,
    underage_rate: float = 0.0,
) -> list[Person]:
    """`n` fictional people living in `districts` (default: the built-in table), deterministic in `seed`.

    Ages are `min_age`..`max_age` on `reference_date`; a share `underage_rate` are 13-16 instead.
    NIKs are unique within the result and structurally valid.
    """
    rng = random.Random(f"people:{seed}")
    pool = tuple(districts) if districts else DISTRICTS
    people: list[Person] = []
    used: set[str] = set()
    while len(people) < n:
        where = rng.choice(pool)
        household = min(n - len(people), rng.choice((1, 1, 2, 2, 3, 4)))
        issued = dt.date(rng.randint(2008, 2023), rng.randint(1, 12), rng.randint(1, 28))
        nkk = f"{where.code}{issued:%d%m%y}{rng.randint(1, 9999):04d}"
        address, rt, rw = _address(rng), f"{rng.randint(1, 15):03d}", f"{rng.randint(1, 12):03d}"
        village = rng.choice(VILLAGES)
        tps = f"{rng.randint(1, 40):03d}"
        for _ in range(household):
            underage = rng.random() < underage_rate
            age = rng.randint(13, 16) if underage else _age(rng, min_age, max_age)
            sex = rng.choice("LP")
            birth = _birth_date(rng, age, reference_date)
            nik = nik_for(where.code, birth, sex, rng.randint(1, 9999))
            while nik in used:
                nik = nik_for(where.code, birth, sex, rng.randint(1, 9999))
            used.add(nik)
            marital = "B" if age < 19 else rng.choices("BSP", weights=(2 if age < 30 else 1, 8, 1))[0]
            occupation = "PELAJAR/MAHASISWA" if age < 20 else rng.choice(OCCUPATIONS)
            if age >= 26 and occupation == "PELAJAR/MAHASISWA":
                occupation = "WIRASWASTA"
            if age >= 60 and rng.random() < 0.4:
                occupation = "PENSIUNAN"
            regency = regency_for(where.code)
            birth_place = regency.city if rng.random() < 0.45 else rng.choice(BIRTH_PLACES)
            people.append(
                Person(
                    nik=nik,
                    name=make_name(rng, sex, age),
                    birth_place=birth_place,
                    birth_date=birth,
                    sex=sex,
                    address=address,
                    rt=rt,
                    rw=rw,
                    kel_desa=village,
                    district_code=where.code,
                    district_name=where.name,
                    marital_status=marital,
                    occupation=occupation,
                    nkk=nkk,
                    religion=rng.choice(RELIGIONS),
                    blood_type=rng.choice(BLOOD_TYPES),
                    tps=tps,
                )
            )
    return people


def _age(rng: random.Random, low: int, high: int) -> int:
    """Adults skew young, as in a real voter list."""
    return min(high, low + int(rng.triangular(0, high - low + 1, (high - low) * 0.25)))


DPT_COLUMNS = (
    "nik",
    "nkk",
    "name",
    "birth_place",
    "birth_date",
    "sex",
    "marital_status",
    "address",
    "rt",
    "rw",
    "district_code",
    "tps",
)


def voter_list_csv(people: Sequence[Person]) -> str:
    """The DPT import CSV of API.md (header row, `birth_date` ISO, `sex` L/P)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(DPT_COLUMNS)
    for p in people:
        writer.writerow(
            [
                p.nik,
                p.nkk,
                p.name,
                p.birth_place,
                p.birth_date.isoformat(),
                p.sex,
                p.marital_status,
                p.address,
                p.rt,
                p.rw,
                p.district_code,
                p.tps,
            ]
        )
    return out.getvalue()
