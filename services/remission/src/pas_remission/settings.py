from pydantic import Field
from pydantic_settings import SettingsConfigDict

from pas_shared.settings import ServiceSettings, port_field, service_name_field


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PAS_REMISSION_", extra="ignore")

    service_name: str = service_name_field("remission")
    port: int = port_field(8003)
    assume_programme_and_risk_met: bool = Field(
        default=False,
        description="Treat 'active in the programme' and 'risk reduced' as met for inmates with no "
        "programme grade or risk assessment from the rehabilitation service yet (e.g. records migrated "
        "from before this platform). Off: remission is refused for want of them.",
    )
