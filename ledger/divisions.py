"""Jilin City's administrative divisions, as the demo (and `manage.py load_divisions`)
seeds them: the city level, its four districts, one county and four county-level
cities with their GB/T 2260 codes, and three development zones. Geography, not
figures: administrators keep the list in the admin (add, rename, stop offering)."""

from django.db import transaction

from .models import Division

K = Division.Kind
# name (Chinese), name (English), kind, GB/T 2260 code
JILIN_CITY = [
    ("吉林市本级", "Jilin City (city level)", K.CITY, "220200"),
    ("昌邑区", "Changyi District", K.DISTRICT, "220202"),
    ("龙潭区", "Longtan District", K.DISTRICT, "220203"),
    ("船营区", "Chuanying District", K.DISTRICT, "220204"),
    ("丰满区", "Fengman District", K.DISTRICT, "220211"),
    ("永吉县", "Yongji County", K.COUNTY, "220221"),
    ("蛟河市", "Jiaohe", K.COUNTY_CITY, "220281"),
    ("桦甸市", "Huadian", K.COUNTY_CITY, "220282"),
    ("舒兰市", "Shulan", K.COUNTY_CITY, "220283"),
    ("磐石市", "Panshi", K.COUNTY_CITY, "220284"),
    ("吉林高新技术产业开发区", "Jilin High-tech Industrial Development Zone", K.ZONE, ""),
    ("吉林经济技术开发区", "Jilin Economic and Technological Development Zone", K.ZONE, ""),
    ("吉林中国新加坡食品区", "Jilin China-Singapore Food Zone", K.ZONE, ""),
]


@transaction.atomic
def seed_divisions():
    """Add the divisions not there yet (by Chinese name); returns how many were added.
    An administrator's changes to existing ones are left as they are."""
    existing = set(Division.objects.values_list("name_zh", flat=True))
    added = 0
    for order, (name_zh, name_en, kind, code) in enumerate(JILIN_CITY):
        if name_zh in existing:
            continue
        Division(name_zh=name_zh, name_en=name_en, kind=kind, code=code, order=order).save()
        added += 1
    return added
