from django.urls import URLPattern, URLResolver

app_name = "families"
urlpatterns: list[URLPattern | URLResolver] = []
