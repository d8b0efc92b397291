from django.urls import path

from licensing import views

app_name = "licensing"
urlpatterns = [
    path("", views.home, name="home"),
    path("register/", views.register, name="register"),
    path("firm/", views.firm_edit, name="firm"),
    path("firm/users/", views.firm_user_add, name="firm_user_add"),
    path("parents/", views.parent_search, name="parent_search"),
    path("staff/", views.staff_list, name="staff"),
    path("licence.pdf", views.licence_download, name="licence_pdf"),
    path("verify/", views.verify, name="verify"),
    path("apply/<slug:kind>/", views.start, name="start"),
    path("applications/<int:pk>/", views.application_detail, name="application"),
    path("applications/<int:pk>/tab/<slug:tab>/", views.tab, name="tab"),
    path("applications/<int:pk>/upload/<slug:code>/", views.upload, name="upload"),
    path("applications/<int:pk>/rows/<slug:section>/add/", views.row, name="row_add"),
    path("applications/<int:pk>/rows/<slug:section>/<int:row_id>/", views.row, name="row_edit"),
    path("applications/<int:pk>/rows/<slug:section>/<int:row_id>/delete/", views.row_delete, name="row_delete"),
    path("applications/<int:pk>/offboard/<int:staff_id>/", views.offboard, name="offboard"),
    path("applications/<int:pk>/<slug:action>/", views.act, name="act"),
]
