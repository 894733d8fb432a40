from pydantic import Field
from pydantic_settings import SettingsConfigDict

from pas_shared.settings import ServiceSettings, body_limit_field, port_field, service_name_field


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PAS_REMISSION_", extra="ignore")

    service_name: str = service_name_field("remission")
    port: int = port_field(8003)
    max_request_body_bytes: int = body_limit_field(
        16 * 1_048_576, " A national batch may designate up to 50,000 inmates (about 6 MB): more than the others' 1 MiB."
    )
    assume_programme_and_risk_met: bool = Field(
        default=False,
        description="Treat 'active in the programme' and 'risk reduced' as met for inmates with no "
        "programme grade or risk assessment from the rehabilitation service yet (e.g. records migrated "
        "from before this platform). Off: remission is refused for want of them.",
    )
    batch_workers: int = Field(
        default=1,
        ge=0,
        le=16,
        description="Worker processes that compute a remission batch's proposals and build its grants and "
        "events on approval, off the service's event loop (a national batch is tens of seconds of CPU). "
        "Started at the first batch. 0: the work runs in the service's own process, which then answers "
        "nothing else meanwhile.",
    )
