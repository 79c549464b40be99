"""Support: what the school does for a pupil once it knows the home — loans of kit first;
needs, visits and study groups come as sibling sub-packages (`support/<part>/`)."""
