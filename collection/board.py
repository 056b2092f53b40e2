"""The officer's completeness board for a round."""

urlpatterns = []
