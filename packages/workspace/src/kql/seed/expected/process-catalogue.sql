-- @order: DisplayName
SELECT DISTINCT DisplayName, ProductVersion, Description, "Group", CompanyName, InternalName, CommandLine,
       UserName, UserDomain
FROM VMProcess
ORDER BY DisplayName ASC NULLS FIRST
