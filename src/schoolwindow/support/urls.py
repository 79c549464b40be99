from django.urls import include, path

app_name = "support"

urlpatterns = [
    path("advocates/", include("schoolwindow.support.advocates.urls")),
]
