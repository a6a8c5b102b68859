#!/usr/bin/env python3
"""Models a Raft cluster's Auto Scaling Group in moto, on loopback addresses.

Used by the RaftBackends tests (one command per invocation, JSON on stdout).
Needs AWS_ENDPOINT_URL, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY (the moto
fixture's signed user).

  setup GROUP PREFIX COUNT   VPC PREFIX-first-two-octets.0.0/16, subnet PREFIX.0/24,
                             a launch configuration, the group (desired 0), then COUNT
                             instances at PREFIX.1..COUNT tagged raft-cluster=GROUP,
                             attached to the group. Prints the group's instances.
  terminate GROUP ID         terminates ID (moto's group launches a replacement in the
                             same subnet at another PREFIX.x address). Prints the group.
  standby GROUP ID           moves ID to Standby. Prints the group.
  describe GROUP             prints [{"id","lifecycle","ip","dns"}] of the group.
"""
import json
import os
import sys

import boto3


def clients():
    kw = dict(endpoint_url=os.environ["AWS_ENDPOINT_URL"], region_name="us-east-1",
              aws_access_key_id=os.environ["AWS_ACCESS_KEY_ID"],
              aws_secret_access_key=os.environ["AWS_SECRET_ACCESS_KEY"])
    return boto3.client("ec2", **kw), boto3.client("autoscaling", **kw)


def describe(ec2, asg, group):
    g = asg.describe_auto_scaling_groups(AutoScalingGroupNames=[group])["AutoScalingGroups"][0]
    ids = [i["InstanceId"] for i in g["Instances"]]
    details = {}
    if ids:
        for r in ec2.describe_instances(InstanceIds=ids)["Reservations"]:
            for i in r["Instances"]:
                details[i["InstanceId"]] = i
    return [{"id": i["InstanceId"], "lifecycle": i["LifecycleState"],
             "ip": details.get(i["InstanceId"], {}).get("PrivateIpAddress"),
             "dns": details.get(i["InstanceId"], {}).get("PrivateDnsName")} for i in g["Instances"]]


def main():
    ec2, asg = clients()
    cmd, group = sys.argv[1], sys.argv[2]
    if cmd == "setup":
        prefix, count = sys.argv[3], int(sys.argv[4])
        a, b, c = prefix.split(".")
        vpc = ec2.create_vpc(CidrBlock="%s.%s.0.0/16" % (a, b))["Vpc"]["VpcId"]
        subnet = ec2.create_subnet(VpcId=vpc, CidrBlock="%s.0/24" % prefix)["Subnet"]["SubnetId"]
        ami = ec2.describe_images()["Images"][0]["ImageId"]
        asg.create_launch_configuration(LaunchConfigurationName=group + "-lc", ImageId=ami,
                                        InstanceType="t3.micro")
        asg.create_auto_scaling_group(AutoScalingGroupName=group, LaunchConfigurationName=group + "-lc",
                                      MinSize=0, MaxSize=10, DesiredCapacity=0, VPCZoneIdentifier=subnet,
                                      Tags=[{"Key": "raft-cluster", "Value": group, "PropagateAtLaunch": True}])
        ids = []
        for n in range(1, count + 1):
            r = ec2.run_instances(ImageId=ami, MinCount=1, MaxCount=1, SubnetId=subnet,
                                  PrivateIpAddress="%s.%d" % (prefix, n),
                                  TagSpecifications=[{"ResourceType": "instance",
                                                      "Tags": [{"Key": "raft-cluster", "Value": group}]}])
            ids.append(r["Instances"][0]["InstanceId"])
        asg.attach_instances(AutoScalingGroupName=group, InstanceIds=ids)
    elif cmd == "terminate":
        ec2.terminate_instances(InstanceIds=[sys.argv[3]])
    elif cmd == "standby":
        asg.enter_standby(AutoScalingGroupName=group, InstanceIds=[sys.argv[3]],
                          ShouldDecrementDesiredCapacity=False)
    elif cmd != "describe":
        raise SystemExit("unknown command " + cmd)
    print(json.dumps(describe(ec2, asg, group)))


if __name__ == "__main__":
    main()
