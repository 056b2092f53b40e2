import factory
from django.contrib.auth.hashers import make_password

from edinfo.models import User
from schools.models import AreaOffice, Cluster, District, Province, School, Subdistrict


class ProvinceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Province
        django_get_or_create = ["code"]

    code = "64"
    name_th = "สุโขทัย"
    name_en = "Sukhothai"


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District
        django_get_or_create = ["code"]

    code = "6401"
    province = factory.SubFactory(ProvinceFactory)
    name_th = "เมืองสุโขทัย"
    name_en = "Mueang Sukhothai"


class SubdistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subdistrict
        django_get_or_create = ["code"]

    code = "640101"
    district = factory.SubFactory(DistrictFactory)
    name_th = "ธานี"
    name_en = "Thani"
    zip_code = "64000"
    latitude = "17.012000"
    longitude = "99.822000"


class AreaOfficeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AreaOffice
        django_get_or_create = ["code"]

    code = "6401"
    name = "สพป.สุโขทัย เขต 1"


class ClusterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cluster
        django_get_or_create = ["area", "code"]

    area = factory.SubFactory(AreaOfficeFactory)
    code = "011"
    name = "กลุ่มเครือข่ายเมืองสุโขทัย 1"


class SchoolFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = School

    smis_code = factory.Sequence(lambda n: f"6401{n + 100:04d}")
    obec_code = factory.Sequence(lambda n: f"106401{n + 100:04d}")
    name = factory.Sequence(lambda n: f"บ้านตัวอย่าง{n}")
    school_type = "อนุบาล-ประถมศึกษา"
    area = factory.SubFactory(AreaOfficeFactory)
    cluster = factory.SubFactory(ClusterFactory)
    province = factory.SubFactory(ProvinceFactory)
    subdistrict = factory.SubFactory(SubdistrictFactory)
    lowest_level = "K1"
    highest_level = "P6"
    student_count = 100


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = "ทดสอบ"
    last_name = "ผู้ใช้"
    password = factory.LazyFunction(lambda: make_password("correct-horse-battery"))
