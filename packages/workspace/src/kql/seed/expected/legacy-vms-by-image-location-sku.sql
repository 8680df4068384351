SELECT DISTINCT ComputerName_s, AzureImageOffering_s, AzureLocation_s, AzureImageSku_s
FROM ServiceMapComputer_CL
WHERE AzureLocation_s <> ''
