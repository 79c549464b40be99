"""Support: what the school does to help a pupil and family once it knows the home, by concern
in sub-packages (`support/<part>/`): home visits and loans of kit; needs, study groups and
advocates come as siblings."""
