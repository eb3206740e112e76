"""KPI definitions, daily observations, category -> metrics maps and measured impacts."""
