from django.urls import path

from schoolwindow.accounts import reset_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.login_password, name="login"),
    path("login/verify/", views.login_verify, name="login_verify"),
    path("login/setup/", views.login_setup, name="login_setup"),
    path("login/forgot/", reset_views.password_reset, name="password_reset"),
    path("login/forgot/sent/", reset_views.password_reset_sent, name="password_reset_sent"),
    path(
        "login/reset/<str:uidb64>/<str:token>/",
        reset_views.password_reset_confirm,
        name="password_reset_confirm",
    ),
    path("logout/", views.logout_view, name="logout"),
    path("account/", views.account, name="account"),
    path("account/language/", views.language_set, name="language_set"),
    path("account/password/", views.password_change, name="password_change"),
    path("invite/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("healthz", views.healthz, name="healthz"),
]
