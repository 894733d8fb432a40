from pydantic_settings import SettingsConfigDict

from pas_shared.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="PAS_FOOD_AUDIT_", extra="ignore")

    service_name: str = "food-audit"
    port: int = 8004
