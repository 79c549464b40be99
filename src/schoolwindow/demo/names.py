"""Names for the demo town: a diverse English town, its families and the languages spoken at home.

The weights are loosely those of an English town with large Polish, Pakistani, Romanian, Punjabi,
Bangladeshi, Arabic-speaking and Somali communities. Languages are ISO 639-1 codes, as in
Guardian.preferred_language.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Community:
    key: str
    language: str  # spoken at home (ISO 639-1)
    weight: float
    eal: float  # chance a family's children have English as an additional language
    prefers_home_language: float  # chance an EAL family's parent wants messages in it
    girls: tuple[str, ...]
    boys: tuple[str, ...]
    women: tuple[str, ...]
    men: tuple[str, ...]
    elder_women: tuple[str, ...]
    elder_men: tuple[str, ...]
    surnames: tuple[str, ...]
    # Polish surnames change with gender (Kowalski → Kowalska).
    feminine: dict[str, str] = field(default_factory=dict)
    # Mothers who keep a surname of their own, and the pool it comes from.
    mother_own_surname: float = 0.0
    mothers_surnames: tuple[str, ...] = ()
    # Somali children take their father's first name as their surname.
    patronymic: bool = False
    nicknames: dict[str, str] = field(default_factory=dict)

    def surname_for(self, surname: str, gender: str) -> str:
        return self.feminine.get(surname, surname) if gender == "female" else surname


def _t(text: str) -> tuple[str, ...]:
    return tuple(text.split())


BRITISH = Community(
    key="british",
    language="en",
    weight=0.53,
    eal=0.0,
    prefers_home_language=0.0,
    girls=_t(
        "Olivia Amelia Isla Ava Mia Ivy Lily Isabella Sophia Grace Freya Poppy Evie Ella "
        "Charlotte Florence Willow Rosie Daisy Ruby Evelyn Phoebe Millie Harper Emily Sienna "
        "Matilda Elsie Maisie Chloe Jessica Holly Megan Erin Lucy Niamh Jasmine Lola"
    ),
    boys=_t(
        "Oliver George Noah Arthur Leo Harry Oscar Theo Freddie Jack Charlie Alfie Archie Henry "
        "Jacob Thomas William Joshua Teddy James Lucas Finley Max Ethan Riley Tommy Reggie Mason "
        "Louie Kai Harrison Jayden Callum Tyler Dylan Samuel Alexander Logan"
    ),
    women=_t(
        "Sarah Emma Laura Rebecca Claire Gemma Kelly Natalie Hayley Amy Lisa Nicola Joanne "
        "Victoria Stacey Kirsty Jennifer Louise Charlotte Hannah Rachel Zoe Leanne Samantha Katie"
    ),
    men=_t(
        "David James Mark Paul Daniel Matthew Andrew Richard Christopher Stephen Lee Craig Darren "
        "Wayne Gareth Ben Tom Adam Jamie Ryan Michael Scott Carl Neil Stuart"
    ),
    elder_women=_t("Susan Linda Patricia Janet Carol Christine Margaret Jean Sandra Elaine"),
    elder_men=_t("John Peter Alan Keith Brian Graham Terry Barry Colin Roger"),
    surnames=(
        *_t(
            "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson "
            "Evans Walker White Roberts Green Hall Wood Jackson Clarke Harris Lewis Cooper King "
            "Baker Turner Hill Ward Morris Moore Clark Lee Carter Hughes Edwards Parker Collins "
            "Bennett Shaw Cook Marsh Murphy Kelly Walsh Fletcher Barnes Price Holmes Chapman Mills "
            "Ellis Palmer"
        ),
        "O'Connor",
        "O'Brien",
    ),
    mother_own_surname=0.05,
    mothers_surnames=_t("Hughes Pearson Marshall Lawrence Griffiths Stevens Dixon Knight Fox"),
    nicknames={
        "Oliver": "Ollie",
        "Thomas": "Tom",
        "William": "Will",
        "Charlotte": "Lottie",
        "Isabella": "Bella",
        "Florence": "Flo",
        "Matilda": "Tilly",
        "Joshua": "Josh",
        "Samuel": "Sam",
        "Jessica": "Jess",
        "Alexander": "Alex",
        "Frederick": "Freddie",
    },
)

BLACK_BRITISH = Community(
    key="black_british",
    language="en",
    weight=0.04,
    eal=0.0,
    prefers_home_language=0.0,
    girls=_t("Adaeze Amara Chidinma Tolani Zuri Imani Kemi Ife Ayomide Nia Precious Jada"),
    boys=_t("Tobi Daniel Joshua Chidi Tyrese Kayden Femi Emeka Samuel Jayden Malachi Elijah"),
    women=_t("Funmi Ngozi Grace Blessing Yetunde Marcia Janelle Folake Chiamaka Abena"),
    men=_t("Chinedu Olumide Tunde Emeka Delroy Kwame Segun Femi Marcus Andre"),
    elder_women=_t("Beverley Hyacinth Comfort Patience"),
    elder_men=_t("Winston Clement Everton Festus"),
    surnames=_t(
        "Okafor Adeyemi Okonkwo Balogun Mensah Campbell Williams Johnson Adebayo Boateng Eze "
        "Francis Richards Osei"
    ),
    mother_own_surname=0.1,
    mothers_surnames=_t("Brown Grant Asante Nwosu"),
)

POLISH_SURNAMES = {
    "Nowak": "Nowak",
    "Kowalski": "Kowalska",
    "Wiśniewski": "Wiśniewska",
    "Wójcik": "Wójcik",
    "Kowalczyk": "Kowalczyk",
    "Kamiński": "Kamińska",
    "Lewandowski": "Lewandowska",
    "Zieliński": "Zielińska",
    "Szymański": "Szymańska",
    "Woźniak": "Woźniak",
    "Dąbrowski": "Dąbrowska",
    "Kozłowski": "Kozłowska",
    "Jankowski": "Jankowska",
    "Mazur": "Mazur",
    "Krawczyk": "Krawczyk",
    "Piotrowski": "Piotrowska",
}

POLISH = Community(
    key="polish",
    language="pl",
    weight=0.08,
    eal=0.9,
    prefers_home_language=0.7,
    girls=_t(
        "Zuzanna Julia Lena Maja Hanna Zofia Amelia Alicja Oliwia Natalia Wiktoria Aleksandra "
        "Maria Pola Laura"
    ),
    boys=_t(
        "Jakub Antoni Jan Szymon Franciszek Filip Aleksander Mikołaj Wojciech Kacper Adam Michał "
        "Marcel Stanisław Igor"
    ),
    women=_t(
        "Anna Katarzyna Magdalena Agnieszka Joanna Monika Ewa Małgorzata Karolina Justyna Marta "
        "Dorota"
    ),
    men=_t(
        "Piotr Tomasz Paweł Krzysztof Marcin Łukasz Michał Grzegorz Rafał Dariusz Mariusz Andrzej"
    ),
    elder_women=_t("Halina Krystyna Danuta Barbara"),
    elder_men=_t("Zbigniew Jerzy Stanisław Henryk"),
    surnames=tuple(POLISH_SURNAMES),
    feminine=POLISH_SURNAMES,
    nicknames={
        "Zuzanna": "Zuza",
        "Aleksandra": "Ola",
        "Aleksander": "Olek",
        "Franciszek": "Franek",
    },
)

PAKISTANI = Community(
    key="pakistani",
    language="ur",
    weight=0.11,
    eal=0.75,
    prefers_home_language=0.45,
    girls=_t(
        "Aisha Fatima Maryam Zainab Hafsa Khadijah Inaaya Aleena Hania Anaya Iqra Sana Amna Noor "
        "Eman"
    ),
    boys=_t(
        "Muhammad Ibrahim Yusuf Ayaan Zayan Hamza Ali Musa Rayyan Haris Bilal Abdullah Zain Umar "
        "Hassan"
    ),
    women=_t("Nadia Shazia Samina Rubina Saima Farah Amina Nasreen Sadia Asma Bushra Uzma"),
    men=_t("Imran Tariq Asif Khalid Mohammed Shahid Zubair Naveed Amjad Arshad Kashif Adnan"),
    elder_women=_t("Parveen Shamim Zubaida Razia"),
    elder_men=_t("Abdul Ghulam Bashir Rashid"),
    surnames=_t(
        "Khan Hussain Ahmed Ali Iqbal Akhtar Shah Mahmood Butt Rehman Malik Raza Anwar Aslam "
        "Qureshi Chaudhry"
    ),
    mother_own_surname=0.35,
    mothers_surnames=_t("Bibi Begum Akhtar Kausar Parveen"),
)

ROMANIAN = Community(
    key="romanian",
    language="ro",
    weight=0.05,
    eal=0.95,
    prefers_home_language=0.75,
    girls=_t("Maria Ioana Elena Andreea Alexandra Sofia Daria Ana Bianca Denisa Antonia Ariana"),
    boys=_t("Andrei Alexandru David Mihai Ștefan Gabriel Luca Matei Darius Ionuț Rareș Cristian"),
    women=_t("Mihaela Elena Cristina Ramona Gabriela Florentina Daniela Alina Simona Georgiana"),
    men=_t("Ion Marius Florin Adrian Constantin Gheorghe Cătălin Bogdan Vasile Costel"),
    elder_women=_t("Viorica Floarea Maricica"),
    elder_men=_t("Nicolae Dumitru Petru"),
    surnames=_t(
        "Popescu Ionescu Popa Dumitru Stan Stoica Gheorghe Rusu Munteanu Matei Constantin Lungu "
        "Ciobanu Moldovan"
    ),
)

PUNJABI = Community(
    key="punjabi",
    language="pa",
    weight=0.05,
    eal=0.6,
    prefers_home_language=0.4,
    girls=_t("Simran Jasleen Harleen Amrit Navneet Gurleen Manpreet Kiran Jaspreet Amarpreet"),
    boys=_t("Arjun Harjot Jaskaran Manveer Harvir Amardeep Sukhraj Tejvir Ekam Gurveer"),
    women=_t("Rajinder Sukhwinder Harjinder Balvinder Paramjit Kulwinder Manjit Jasvir"),
    men=_t("Gurdeep Harjit Sukhdev Jaswinder Kulwant Baljit Parminder Amarjit"),
    elder_women=_t("Gurmeet Surjit Kuldip"),
    elder_men=_t("Gurbachan Mohinder Ajit"),
    surnames=_t("Sandhu Gill Dhillon Johal Bains Sidhu Sangha Virdi Atwal Grewal"),
)

BANGLADESHI = Community(
    key="bangladeshi",
    language="bn",
    weight=0.05,
    eal=0.75,
    prefers_home_language=0.45,
    girls=_t("Ayesha Tasnim Sumaiya Raisa Nusrat Jannat Mahira Tahmina Fariha Safa"),
    boys=_t("Rayhan Nabil Tahmid Ayaan Rafi Samiul Zakaria Ishaq Yahya Arham"),
    women=_t("Rokeya Shahana Nazma Rehana Salma Shirin Hasina Momtaz Ruksana Jahanara"),
    men=_t("Abdul Mizanur Shafiqul Jamal Rafiq Anwar Habibur Mujibur Shahjahan Kamal"),
    elder_women=_t("Monowara Rahima Sufia"),
    elder_men=_t("Abdus Moklis Ataur"),
    surnames=_t("Miah Uddin Rahman Islam Hoque Chowdhury Ahmed Hossain Ali Khan"),
    mother_own_surname=0.6,
    mothers_surnames=_t("Begum Khatun Bibi Akter"),
)

ARABIC = Community(
    key="arabic",
    language="ar",
    weight=0.04,
    eal=0.95,
    prefers_home_language=0.8,
    girls=_t("Layla Rania Lina Sara Jana Nour Hala Yasmin Reem Dana Maya Salma"),
    boys=_t("Omar Ahmad Khaled Karim Adam Yousef Mahmoud Tarek Ali Hamza Zaid Amir"),
    women=_t("Rasha Huda Samar Maha Ghada Lubna Mariam Wafa Rana Abeer"),
    men=_t("Mohammad Ahmad Hassan Walid Bassam Fadi Samer Nabil Ziad Khalil"),
    elder_women=_t("Fatimah Nawal Samira"),
    elder_men=_t("Mahmoud Abdallah Yahya"),
    surnames=_t(
        "Al-Hassan Haddad Mansour Khalil Nasser Saleh Hamdan Abboud Darwish Al-Ahmad Yousef Ibrahim"
    ),
    mother_own_surname=0.9,
    mothers_surnames=_t("Haddad Saleh Nasser Hamdan Khoury Aziz Qasim"),
)

SOMALI = Community(
    key="somali",
    language="so",
    weight=0.03,
    eal=0.9,
    prefers_home_language=0.6,
    girls=_t("Hodan Ayan Sagal Hibo Nimco Ifrah Najma Filsan Ikraan Sumaya"),
    boys=_t("Abdirahman Mohamed Abdullahi Liban Hamza Yahye Mustafe Ilyas Khalid Sakariye"),
    women=_t("Fadumo Hawa Amina Halima Khadra Sahra Asha Deeqa Maryan Hinda"),
    men=_t("Abdi Hassan Ahmed Abdullahi Omar Yusuf Farah Ismail Jama Said"),
    elder_women=_t("Dahabo Shamso"),
    elder_men=_t("Aden Nur"),
    surnames=_t("Mohamed Hassan Ahmed Ali Abdi Warsame Farah Osman Jama Ismail Hussein Aden"),
    mother_own_surname=1.0,
    mothers_surnames=_t("Mohamed Hassan Ahmed Ali Abdi Warsame Farah Osman Jama Ismail Hussein"),
    patronymic=True,
)

PORTUGUESE = Community(
    key="portuguese",
    language="pt",
    weight=0.02,
    eal=0.9,
    prefers_home_language=0.6,
    girls=_t("Beatriz Leonor Matilde Inês Carolina Mariana"),
    boys=_t("Tomás Rodrigo Afonso Gonçalo Duarte Santiago"),
    women=_t("Ana Sofia Patrícia Rita Cláudia Sónia"),
    men=_t("João Nuno Rui Pedro Tiago Bruno"),
    elder_women=_t("Fernanda Lurdes"),
    elder_men=_t("Manuel Joaquim"),
    surnames=_t("Silva Santos Ferreira Pereira Oliveira Costa Rodrigues Martins Sousa Fernandes"),
)

COMMUNITIES: tuple[Community, ...] = (
    BRITISH,
    BLACK_BRITISH,
    POLISH,
    PAKISTANI,
    ROMANIAN,
    PUNJABI,
    BANGLADESHI,
    ARABIC,
    SOMALI,
    PORTUGUESE,
)

# Staff are drawn from the same town, with more long-settled families.
STAFF_WEIGHTS: dict[str, float] = {
    "british": 0.72,
    "black_british": 0.05,
    "polish": 0.04,
    "pakistani": 0.08,
    "punjabi": 0.05,
    "bangladeshi": 0.03,
    "arabic": 0.01,
    "somali": 0.01,
    "romanian": 0.005,
    "portuguese": 0.005,
}

STREETS = (
    "Mill Lane",
    "Station Road",
    "Church Street",
    "Victoria Road",
    "Queen Street",
    "Park Avenue",
    "Wharf Road",
    "Canal Side",
    "Willow Close",
    "Orchard Way",
    "Brook Street",
    "Ferry Lane",
    "Meadow Road",
    "Heron Drive",
    "Kingfisher Way",
    "Albert Terrace",
    "Granville Street",
    "St Mary's Road",
    "Balmoral Crescent",
    "Beech Grove",
    "Chestnut Avenue",
    "Cromwell Road",
    "Elm Tree Walk",
    "Foundry Street",
    "Garden Row",
    "High Street",
    "Hollybush Lane",
    "Lock Keeper's Way",
    "Market Street",
    "Nelson Street",
    "New Road",
    "Oxford Street",
    "Poplar Close",
    "Railway Terrace",
    "Riverside Walk",
    "Sandpiper Court",
    "Tannery Lane",
    "Union Street",
    "Waterloo Road",
    "York Road",
)

BLOCKS = ("Kingfisher Court", "Mallard House", "Weaver's Court", "Tower View", "Lock House")

POSTCODE_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "đ": "d", "ß": "ss"})


def ascii_slug(text: str) -> str:
    """'Wiśniewska' → 'wisniewska', "O'Connor" → 'oconnor': for usernames and email addresses."""
    folded = unicodedata.normalize("NFKD", text.translate(_FOLD)).encode("ascii", "ignore")
    return re.sub(r"[^a-z0-9]+", "", folded.decode("ascii").lower())
