from pydantic_settings import SettingsConfigDict

from pas_shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PAS_REMISSION_", extra="ignore")

    service_name: str = "remission"
    port: int = 8003
