"""Fragment lists and slot grammars of the call-text generator, one module per category."""

from training.simulator.text_fragments import (
    assistance,
    assistance_health_work,
    assistance_outdoor,
    criminal,
    criminal_retold,
    criminal_robbery_extortion,
    criminal_thefts_scams,
    dispute,
    dispute_family_money,
    dispute_work_school,
    law_traffic_retold,
    non_police,
    non_police_pets_signals,
    non_police_queries,
    public_order,
    public_order_law,
    public_order_retold,
    public_order_street,
    traffic_fire,
    urgency_calm,
    urgency_now,
)

# Per category, fragment modules in order; later modules add sub-types or extend earlier ones.
MODULES = {
    "criminal": (
        criminal,
        criminal_thefts_scams,
        criminal_retold,
        criminal_robbery_extortion,
        urgency_now.CRIMINAL,
        urgency_calm.CRIMINAL,
    ),
    "public_order": (
        public_order,
        public_order_street,
        public_order_retold,
        public_order_law,
        law_traffic_retold.PUBLIC_ORDER,
        urgency_now.PUBLIC_ORDER,
        urgency_calm.PUBLIC_ORDER,
    ),
    "dispute": (dispute, dispute_work_school, dispute_family_money),
    "assistance": (
        assistance,
        assistance_health_work,
        assistance_outdoor,
        urgency_now.ASSISTANCE,
        urgency_calm.ASSISTANCE,
    ),
    "non_police": (
        non_police,
        non_police_pets_signals,
        non_police_queries,
        traffic_fire,
        law_traffic_retold.NON_POLICE,
    ),
}
