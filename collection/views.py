"""Pages of the collection cycle for schools, and the calendar."""

urlpatterns = []
