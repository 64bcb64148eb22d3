"""Our Rasa components (bot env). Importing the package, as Rasa does when it loads the model's
pipeline, also installs the cached validation of action server responses (see validation.py)."""

from components.validation import install as _install_validation

_install_validation()
