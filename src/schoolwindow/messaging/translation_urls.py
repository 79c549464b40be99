from django.urls import URLPattern, URLResolver

app_name = "phrasebook"
urlpatterns: list[URLPattern | URLResolver] = []
