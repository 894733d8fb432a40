from pydantic_settings import SettingsConfigDict

from pas_shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PAS_GATEWAY_", extra="ignore")

    service_name: str = "gateway"
    port: int = 8000
