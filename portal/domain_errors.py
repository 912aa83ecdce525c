"""The domain errors of the apps that do not register their own with ``core.api``."""

from accounts.services import AccountsError
from consultations.services import ConsultationError
from core.api import register_domain_error

register_domain_error(ConsultationError)
register_domain_error(AccountsError)
