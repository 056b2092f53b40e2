from . import board, views

app_name = "collection"
# The school-facing pages and the calendar live in views.py, the officer's board in board.py.
urlpatterns = views.urlpatterns + board.urlpatterns
