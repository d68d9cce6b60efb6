"""Word lists the portfolio generator draws from: names, companies, places, titles.

Everything here is invented or generic; nothing names a real person.
"""

from __future__ import annotations

__all__ = [
    "ACCOUNT_STATUS",
    "ATTITUDES",
    "CHIEF_TITLES",
    "COMMITTEES_DECIDING",
    "COMMITTEES_OTHER",
    "COMPANY_FORMS",
    "COMPANY_ROOTS",
    "DEPARTMENTS",
    "FIRST_NAMES",
    "INDUSTRIES",
    "INFLUENCER_KINDS",
    "INFLUENCE_KIND_OF",
    "LAST_NAMES",
    "MANAGER_TITLES",
    "PLACES",
    "REGIONS",
    "ROLES_OF_DEPARTMENT",
    "STAFF_TITLES",
    "TEAM_ROLES",
    "TOP_TITLES",
]


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FIRST_NAMES = _words(
    "Anna Lukas Sofia Marco Claire Thomas Chiara Pavel Ines Jonas Marta Felix Elena Jakub Laura Henrik Paola Miguel "
    "Katarzyna Olivier Ilse Tobias Giulia Lars Camille Stefan Ewa Javier Nina Matteo Agnieszka Pierre Hanna David "
    "Lucia Florian Sara Tomasz Julie Andreas Carmen Erik Beatrice Piotr Amelie Rafael Ingrid Bastian Noemi Krzysztof"
)

LAST_NAMES = _words(
    "Berger Fontaine Marino Novak Weber Rossi Dubois Kowalski Garcia Schulz Bianchi Martin Nowak Fernandez Keller "
    "Ricci Laurent Wojcik Lopez Hoffmann Greco Bernard Kaminski Sanchez Wagner Romano Petit Lewandowski Moreno "
    "Becker Conti Durand Zielinski Navarro Richter Costa Moreau Szymanski Ortega Brenner Marquardt Lindqvist "
    "Halvorsen Jensen Virtanen Horvat Kovacs Dimitrov Popescu Nieminen Andersen Vogel Esposito Leroy Mazur"
)

COMPANY_ROOTS = _words(
    "Halvorsen Vantor Castellani Nordwerk Aurelia Brixton Calder Duvall Eskerod Falkner Granada Helios Isarwerk "
    "Jadeport Kestrel Lumen Montavo Nerion Orbis Palladio Quarzo Ravensberg Solvik Tessera Ulmen Valoria Westgate "
    "Ystad Zephyr Alpenrand Baltica Corvina Danubia Elbtal Fjordal Gironde Hanseatic Iberis Jutland Karpat"
)

COMPANY_FORMS = ("GmbH", "AG", "S.p.A.", "S.A.", "SE", "Group", "Holding", "sp. z o.o.", "B.V.", "Oy", "A/S", "Ltd")

INDUSTRIES = (
    "Packaging manufacturing",
    "Machine building",
    "Food & beverage processing",
    "Automotive components",
    "Chemicals",
    "Pharmaceuticals",
    "Logistics & intralogistics",
    "Building technology",
    "Energy & utilities",
    "Pulp & paper",
    "Metals processing",
    "Water & wastewater",
)

REGIONS = {
    "DACH": ("DE", "AT", "CH"),
    "Southern Europe": ("IT", "ES", "PT"),
    "Western Europe": ("FR", "BE", "NL"),
    "Central Europe": ("PL", "CZ", "HU"),
    "Nordics": ("SE", "DK", "FI", "NO"),
    "Europe": ("DE", "FR", "IT", "ES", "PL", "NL"),
}

PLACES = {
    "DE": ("Hamburg", "Dortmund", "Stuttgart", "Leipzig", "Nuremberg", "Bremen"),
    "AT": ("Linz", "Graz", "Vienna"),
    "CH": ("Basel", "Winterthur", "Zug"),
    "IT": ("Parma", "Verona", "Bergamo", "Brescia", "Turin"),
    "ES": ("Zaragoza", "Valencia", "Bilbao", "Seville"),
    "PT": ("Porto", "Aveiro", "Braga"),
    "FR": ("Lyon", "Lille", "Toulouse", "Grenoble", "Nantes"),
    "BE": ("Antwerp", "Ghent", "Liège"),
    "NL": ("Eindhoven", "Rotterdam", "Venlo"),
    "PL": ("Wrocław", "Poznań", "Katowice", "Gdańsk"),
    "CZ": ("Brno", "Plzeň", "Ostrava"),
    "HU": ("Győr", "Debrecen", "Kecskemét"),
    "SE": ("Gothenburg", "Västerås", "Malmö"),
    "DK": ("Aarhus", "Odense", "Esbjerg"),
    "FI": ("Tampere", "Oulu", "Vaasa"),
    "NO": ("Stavanger", "Trondheim", "Bergen"),
}

ACCOUNT_STATUS = (("key", 80), ("candidate", 15), ("delisted", 5))

ATTITUDES = (
    ("champion", 7),
    ("supporter", 18),
    ("neutral", 32),
    ("skeptic", 12),
    ("opponent", 5),
    ("unknown", 10),
    (None, 16),
)

DEPARTMENTS = (
    "Purchasing",
    "Engineering",
    "Production",
    "Finance",
    "Maintenance",
    "Quality",
    "IT/OT",
    "Logistics",
    "R&D",
    "Energy & Sustainability",
    "Legal",
    "Sales",
)

TOP_TITLES = ("Chief Executive Officer", "Managing Director", "President and CEO", "Geschäftsführer (CEO)")
"""Depth 0 of an account's reporting tree."""

CHIEF_TITLES = {
    "Purchasing": "Chief Procurement Officer",
    "Engineering": "Chief Technology Officer",
    "Production": "Chief Operating Officer",
    "Finance": "Chief Financial Officer",
    "Maintenance": "VP Technical Services",
    "Quality": "VP Quality",
    "IT/OT": "Chief Information Officer",
    "Logistics": "VP Supply Chain",
    "R&D": "VP Research & Development",
    "Energy & Sustainability": "Chief Sustainability Officer",
    "Legal": "General Counsel",
    "Sales": "Chief Commercial Officer",
}
"""Depth 1, by department."""

MANAGER_TITLES = {
    2: ("Director {dept}", "Head of {dept}", "Director Global {dept}", "Plant {dept} Director"),
    3: ("{dept} Manager", "Senior {dept} Manager", "{dept} Team Lead", "Site {dept} Manager"),
}
"""Depths 2 and 3; ``{dept}`` is the department."""

STAFF_TITLES = {
    "Purchasing": ("Strategic Buyer", "Technical Buyer", "Category Manager Automation", "Purchasing Assistant"),
    "Engineering": ("Automation Engineer", "Electrical Design Engineer", "Project Engineer", "Drive Specialist"),
    "Production": ("Shift Supervisor", "Line Manager", "Production Planner", "Process Engineer"),
    "Finance": ("Controller", "Capex Analyst", "Financial Analyst", "Accountant"),
    "Maintenance": ("Maintenance Engineer", "Reliability Engineer", "Service Technician", "Spare Parts Planner"),
    "Quality": ("Quality Engineer", "Auditor", "Validation Specialist", "Lab Lead"),
    "IT/OT": ("OT Security Engineer", "Systems Architect", "MES Specialist", "Network Engineer"),
    "Logistics": ("Logistics Planner", "Warehouse Manager", "Transport Coordinator", "Supply Planner"),
    "R&D": ("Development Engineer", "Research Scientist", "Test Engineer", "Product Owner"),
    "Energy & Sustainability": ("Energy Manager", "Sustainability Analyst", "ESG Reporting Lead", "HSE Officer"),
    "Legal": ("Contract Manager", "Legal Counsel", "Compliance Officer", "Paralegal"),
    "Sales": ("Key Account Manager", "Product Manager", "Sales Engineer", "Customer Service Lead"),
}
"""Depth 4 and below, by department."""

ROLES_OF_DEPARTMENT = {
    "Purchasing": ("buyer", "gatekeeper", "buyer", "influencer"),
    "Engineering": ("influencer", "user", "initiator", "influencer"),
    "Production": ("user", "initiator", "user", "influencer"),
    "Finance": ("influencer", "gatekeeper"),
    "Maintenance": ("user", "initiator", "user"),
    "Quality": ("influencer", "user"),
    "IT/OT": ("gatekeeper", "influencer", "user"),
    "Logistics": ("user", "initiator"),
    "R&D": ("initiator", "influencer", "user"),
    "Energy & Sustainability": ("initiator", "influencer"),
    "Legal": ("gatekeeper",),
    "Sales": ("initiator", "user"),
    "Management": ("influencer", "gatekeeper"),
}

COMMITTEES_DECIDING = (
    ("Technical Buying Committee", "buying_committee"),
    ("Board of Directors", "board"),
    ("International Procurement Council", "international"),
    ("Capex Steering Committee", "steering"),
    ("Investment Committee", "board"),
    ("Global Sourcing Board", "buying_committee"),
)

COMMITTEES_OTHER = (
    ("Automation Standards Working Group", "technical"),
    ("Energy Efficiency Task Force", "technical"),
    ("OT Security Council", "technical"),
    ("Plant Managers' Round Table", "steering"),
    ("Supplier Quality Forum", "other"),
    ("Innovation Circle", "other"),
)

INFLUENCER_KINDS = (
    ("planner", 30),
    ("association", 14),
    ("end_customer", 20),
    ("multiplier", 10),
    ("consultant", 13),
    ("authority", 8),
    ("other", 5),
)

INFLUENCE_KIND_OF = {
    "planner": "technical",
    "association": "political",
    "end_customer": "commercial",
    "multiplier": "personal",
    "consultant": "commercial",
    "authority": "formal",
    "other": "personal",
}

TEAM_ROLES = ("inside_sales", "field_sales", "specialist", "service", "field_sales", "specialist", "other")
