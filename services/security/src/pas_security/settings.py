from pydantic_settings import SettingsConfigDict

from pas_shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PAS_SECURITY_", extra="ignore")

    service_name: str = "security"
    port: int = 8001
