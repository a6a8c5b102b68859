import InfraHouseDaemon
print("infrahoused")
