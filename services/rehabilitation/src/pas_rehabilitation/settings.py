from pydantic_settings import SettingsConfigDict

from pas_shared.settings import ServiceSettings, port_field, service_name_field


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PAS_REHABILITATION_", extra="ignore")

    service_name: str = service_name_field("rehabilitation")
    port: int = port_field(8002)
