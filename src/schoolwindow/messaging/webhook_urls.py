from django.urls import URLPattern, URLResolver

app_name = "messaging_webhooks"
urlpatterns: list[URLPattern | URLResolver] = []
